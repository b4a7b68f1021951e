import { Config, Option } from "effect"
import { checkSetting, readSettings, settingsConfig, type SettingValues } from "../../core/config-provider.js"
import { byteSize, flag, httpUrl, intRange, list, oneOf, text, textAs } from "../../core/config-rules.js"
import { jwtSecretRule, pemOrFileRule, rateLimitRule, tokensRule, trustProxyRule } from "./server-rules.js"
import { presetDefaults, type RateLimit, type ServerSettings } from "./server-settings.js"

const year = 365 * 24 * 3600

/** The server's settings: variable, `[server]` key of the config file, flag of `cts serve`, and what each accepts. */
export const serverSettings = {
  preset: { env: "CTS_PRESET", file: "preset", rule: oneOf(["dev", "staging", "production"]) },
  host: { env: "CTS_HOST", file: "host", flag: "--host", rule: textAs("a host name or IP") },
  port: { env: "CTS_PORT", file: "port", flag: "--port", rule: intRange(0, 65535) },
  publicUrl: { env: "CTS_PUBLIC_URL", file: "public_url", rule: httpUrl },
  tokens: { env: "CTS_TOKENS", file: "tokens", rule: tokensRule },
  jwtSecret: { env: "CTS_JWT_SECRET", file: "jwt_secret", rule: jwtSecretRule },
  jwtPublicKey: { env: "CTS_JWT_PUBLIC_KEY", file: "jwt_public_key", rule: pemOrFileRule },
  jwtIssuer: { env: "CTS_JWT_ISSUER", file: "jwt_issuer", rule: text },
  jwtAudience: { env: "CTS_JWT_AUDIENCE", file: "jwt_audience", rule: text },
  requireAuth: { env: "CTS_REQUIRE_AUTH", file: "require_auth", rule: flag },
  forceInsecure: { env: "CTS_FORCE_INSECURE", file: "force_insecure", rule: flag },
  corsOrigins: { env: "CTS_CORS_ORIGINS", file: "cors_origins", rule: list() },
  rateLimit: { env: "CTS_RATE_LIMIT", file: "rate_limit", rule: rateLimitRule },
  maxUploadBytes: { env: "CTS_MAX_UPLOAD_BYTES", file: "max_upload_bytes", rule: byteSize },
  maxJsonBytes: { env: "CTS_MAX_JSON_BYTES", file: "max_json_bytes", rule: byteSize },
  sseHeartbeatMs: { env: "CTS_SSE_HEARTBEAT_MS", file: "sse_heartbeat_ms", rule: intRange(10, 3_600_000) },
  sseRetryMs: { env: "CTS_SSE_RETRY_MS", file: "sse_retry_ms", rule: intRange(0, 3_600_000) },
  signedUrlTtlSeconds: { env: "CTS_SIGNED_URL_TTL", file: "signed_url_ttl", rule: intRange(1, year) },
  signedUrlMaxTtlSeconds: { env: "CTS_SIGNED_URL_MAX_TTL", file: "signed_url_max_ttl", rule: intRange(1, year) },
  trustProxy: { env: "CTS_TRUST_PROXY", file: "trust_proxy", rule: trustProxyRule },
  jwtMaxLifetimeSeconds: { env: "CTS_JWT_MAX_LIFETIME", file: "jwt_max_lifetime", rule: intRange(60, year) },
  bodyTimeoutMs: { env: "CTS_BODY_TIMEOUT_MS", file: "body_timeout_ms", rule: intRange(100, 3_600_000) },
  bodyMinBytes: { env: "CTS_BODY_MIN_BYTES", file: "body_min_bytes", rule: byteSize }
} as const satisfies { readonly [K in keyof ServerSettings]: unknown }

type ServerValues = SettingValues<typeof serverSettings>

/** Each server setting as set (None when unset or empty). */
const serverValuesConfig = settingsConfig(serverSettings)

/** The preset's defaults, with every setting that is set in its place. */
const withPreset = (values: ServerValues): ServerSettings => {
  const resolved: Record<string, unknown> = { ...presetDefaults[Option.getOrElse(values.preset, () => "dev" as const)] }
  for (const [key, value] of Object.entries<Option.Option<unknown>>(values)) if (Option.isSome(value)) resolved[key] = value.value
  return resolved as unknown as ServerSettings
}

/** The Effect `Config` of the server's settings (the preset's defaults under the values that are set). */
export const serverSettingsConfig: Config.Config<ServerSettings> = serverValuesConfig.pipe(Config.map(withPreset))

/** Bytes from `1048576`, `512MiB`, `2GB`; throws `invalid_config` naming `where`. */
export const parseByteSize = (raw: string, where: string): number => checkSetting(byteSize, raw, where)

/** `off`, `120` (per minute), `50/s`, `600/min`, `100/10s`, `5000/h`; throws `invalid_config` naming `where`. */
export const parseRateLimit = (raw: string, where: string): RateLimit | null => checkSetting(rateLimitRule, raw, where)

export interface ResolveServerSettingsInput {
  /** Environment to read `CTS_*` from (default `process.env`). */
  readonly env?: Record<string, string | undefined>
  /** The `[server]` table of a config file, already read. */
  readonly file?: unknown
  /** Command-line values (`cts serve --host/--port`); they win over the environment. */
  readonly flags?: { readonly host?: string | undefined; readonly port?: string | undefined }
  /** Explicit options (`startServer` arguments); they win over everything. */
  readonly overrides?: Partial<ServerSettings>
}

/** Preset defaults ← config file `[server]` ← `CTS_*` env ← flags ← explicit overrides; every value validated. */
export const resolveServerSettings = (input: ResolveServerSettingsInput = {}): ServerSettings => {
  const values = readSettings(serverSettings, serverValuesConfig, {
    env: input.env ?? process.env,
    file: input.file === undefined ? undefined : { table: input.file, prefix: "[server].", name: "the [server] section of the config file" },
    flags: input.flags
  })
  const overrides = Object.entries(input.overrides ?? {}).flatMap(([key, value]) => (value !== undefined ? [[key, Option.some(value)]] : []))
  return withPreset({ ...values, ...Object.fromEntries(overrides) } as ServerValues)
}
