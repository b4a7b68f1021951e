/** Deployment presets: defaults that change with where the server runs. */
export type ServerPreset = "dev" | "staging" | "production"

/** A static bearer token and the principal it authenticates. */
export interface StaticToken {
  readonly principal: string
  readonly token: string
}

/** Requests allowed per window, per principal (or per client IP when anonymous). */
export interface RateLimit {
  readonly requests: number
  readonly windowMs: number
}

/** Every setting of the HTTP adapter, resolved. */
export interface ServerSettings {
  readonly preset: ServerPreset
  /** Interface to bind (`CTS_HOST`). */
  readonly host: string
  /** TCP port, 0 = ephemeral (`CTS_PORT`). */
  readonly port: number
  /** Base for absolute URLs in responses; `null` = derived from the request (`CTS_PUBLIC_URL`). */
  readonly publicUrl: string | null
  /** Static bearer tokens (`CTS_TOKENS`). */
  readonly tokens: ReadonlyArray<StaticToken>
  /** HS256 secret (`CTS_JWT_SECRET`). */
  readonly jwtSecret: string | null
  /** RS256 public key, SPKI PEM (`CTS_JWT_PUBLIC_KEY`, PEM text or a file path). */
  readonly jwtPublicKey: string | null
  /** Required `iss` claim (`CTS_JWT_ISSUER`). */
  readonly jwtIssuer: string | null
  /** Required `aud` claim (`CTS_JWT_AUDIENCE`). */
  readonly jwtAudience: string | null
  /** Refuse to start without tokens or JWT even on loopback (`CTS_REQUIRE_AUTH`). */
  readonly requireAuth: boolean
  /** Start on a non-loopback interface without auth anyway (`CTS_FORCE_INSECURE`). */
  readonly forceInsecure: boolean
  /** Browser origins allowed by CORS; empty = none (`CTS_CORS_ORIGINS`). */
  readonly corsOrigins: ReadonlyArray<string>
  /** `null` = no rate limiting (`CTS_RATE_LIMIT`). */
  readonly rateLimit: RateLimit | null
  /** Largest upload accepted (`CTS_MAX_UPLOAD_BYTES`). */
  readonly maxUploadBytes: number
  /** Largest JSON request body accepted (`CTS_MAX_JSON_BYTES`). */
  readonly maxJsonBytes: number
  /** SSE comment heartbeat interval (`CTS_SSE_HEARTBEAT_MS`). */
  readonly sseHeartbeatMs: number
  /** `retry:` hint sent first on every SSE stream (`CTS_SSE_RETRY_MS`). */
  readonly sseRetryMs: number
  /** Default lifetime of signed artifact URLs (`CTS_SIGNED_URL_TTL`). */
  readonly signedUrlTtlSeconds: number
  /** Longest lifetime a client may ask for (`CTS_SIGNED_URL_MAX_TTL`). */
  readonly signedUrlMaxTtlSeconds: number
  /** Trust `X-Forwarded-*` from: nobody, everybody, loopback proxies, or listed proxy IPs (`CTS_TRUST_PROXY`). */
  readonly trustProxy: boolean | "loopback" | ReadonlyArray<string>
  /** Longest lifetime (`exp` − `iat`, and `exp` − now) a JWT may have; JWTs without `exp` are refused (`CTS_JWT_MAX_LIFETIME`). */
  readonly jwtMaxLifetimeSeconds: number
  /** A request body (upload or JSON) must bring `bodyMinBytes` in every window of this many ms (`CTS_BODY_TIMEOUT_MS`). */
  readonly bodyTimeoutMs: number
  /** Fewest bytes per `bodyTimeoutMs` window before a trickling body is cut with 408 (`CTS_BODY_MIN_BYTES`). */
  readonly bodyMinBytes: number
}

const MiB = 1024 * 1024

const common = {
  host: "127.0.0.1",
  port: 8765,
  publicUrl: null,
  tokens: [],
  jwtSecret: null,
  jwtPublicKey: null,
  jwtIssuer: null,
  jwtAudience: null,
  forceInsecure: false,
  corsOrigins: [],
  maxJsonBytes: 1 * MiB,
  sseHeartbeatMs: 15_000,
  sseRetryMs: 3_000,
  signedUrlMaxTtlSeconds: 7 * 24 * 3600,
  trustProxy: false,
  jwtMaxLifetimeSeconds: 24 * 3600,
  bodyTimeoutMs: 30_000,
  bodyMinBytes: 16 * 1024
} as const

/** Defaults per preset; env, the config file and explicit options override them. */
export const presetDefaults: Record<ServerPreset, ServerSettings> = {
  dev: {
    ...common,
    preset: "dev",
    requireAuth: false,
    rateLimit: null,
    maxUploadBytes: 2048 * MiB,
    signedUrlTtlSeconds: 3600
  },
  staging: {
    ...common,
    preset: "staging",
    requireAuth: true,
    rateLimit: { requests: 1200, windowMs: 60_000 },
    maxUploadBytes: 1024 * MiB,
    signedUrlTtlSeconds: 900
  },
  production: {
    ...common,
    preset: "production",
    requireAuth: true,
    rateLimit: { requests: 600, windowMs: 60_000 },
    maxUploadBytes: 1024 * MiB,
    signedUrlTtlSeconds: 300,
    signedUrlMaxTtlSeconds: 24 * 3600
  }
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export const isLoopbackHost = (host: string): boolean => host === "localhost" || host === "::1" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host)

/** True when tokens or a JWT key are configured. */
export const hasAuth = (s: ServerSettings): boolean => s.tokens.length > 0 || s.jwtSecret !== null || s.jwtPublicKey !== null
