import { readFileSync } from "node:fs"
import { extname } from "node:path"
import { parse as parseToml } from "smol-toml"
import { ValidationError } from "../../core/errors.js"
import { presetDefaults, type RateLimit, type ServerPreset, type ServerSettings, type StaticToken } from "./server-settings.js"

type Parsers = { [K in keyof ServerSettings]: (raw: unknown, where: string) => ServerSettings[K] }

const invalid = (where: string, expected: string, raw: unknown): ValidationError =>
  new ValidationError({
    code: "invalid_config",
    message: `${where} must be ${expected}; got ${JSON.stringify(raw)}.`,
    suggestedAction: "Fix the value (see docs/configuration.md, server section).",
    details: { setting: where }
  })

const str = (raw: unknown, where: string): string => {
  if (typeof raw === "string") return raw.trim()
  throw invalid(where, "a string", raw)
}
const optStr = (raw: unknown, where: string): string | null => {
  const s = str(raw, where)
  return s === "" ? null : s
}
const bool = (raw: unknown, where: string): boolean => {
  if (typeof raw === "boolean") return raw
  const s = typeof raw === "string" ? raw.trim().toLowerCase() : ""
  if (["1", "true", "yes", "on"].includes(s)) return true
  if (["0", "false", "no", "off", ""].includes(s)) return false
  throw invalid(where, "true or false", raw)
}
const int =
  (min: number, max: number) =>
  (raw: unknown, where: string): number => {
    const n = typeof raw === "number" ? raw : typeof raw === "string" && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN
    if (Number.isInteger(n) && n >= min && n <= max) return n
    throw invalid(where, `an integer from ${min} to ${max}`, raw)
  }
const list = (raw: unknown, where: string): ReadonlyArray<string> => {
  if (Array.isArray(raw) && raw.every(x => typeof x === "string")) return raw.map(x => x.trim()).filter(Boolean)
  if (typeof raw === "string")
    return raw
      .split(",")
      .map(x => x.trim())
      .filter(Boolean)
  throw invalid(where, "a comma-separated list (or array) of strings", raw)
}

const sizeUnits: Record<string, number> = { "": 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 }
/** Bytes from `1048576`, `512MiB`, `2GB`. */
export const parseByteSize = (raw: unknown, where: string): number => {
  if (typeof raw === "number" && Number.isSafeInteger(raw) && raw > 0) return raw
  const m = typeof raw === "string" ? /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw) : null
  const unit = m ? sizeUnits[m[2]!.toLowerCase()] : undefined
  if (m && unit !== undefined && Number(m[1]) > 0) return Math.floor(Number(m[1]) * unit)
  throw invalid(where, "a positive size such as 1048576, 512MiB or 2GB", raw)
}

const windowUnits: Record<string, number> = { s: 1000, sec: 1000, second: 1000, m: 60_000, min: 60_000, minute: 60_000, h: 3_600_000, hour: 3_600_000 }
/** `off`, `120` (per minute), `50/s`, `600/min`, `100/10s`, `5000/h`. */
export const parseRateLimit = (raw: unknown, where: string): RateLimit | null => {
  if (raw === false || raw === null) return null
  if (typeof raw === "number") return raw === 0 ? null : { requests: int(1, 1e9)(raw, where), windowMs: 60_000 }
  const s = typeof raw === "string" ? raw.trim().toLowerCase() : ""
  if (s === "off" || s === "0" || s === "none") return null
  const m = /^(\d+)(?:\s*\/\s*(\d*)\s*([a-z]+))?$/.exec(s)
  const unit = m?.[3] === undefined ? 60_000 : windowUnits[m[3]]
  if (m && unit !== undefined && Number(m[1]) > 0) {
    const count = m[2] ? Number(m[2]) : 1
    if (count > 0) return { requests: Number(m[1]), windowMs: count * unit }
  }
  throw invalid(where, "off, a number per minute, or N/s, N/min, N/h, N/10s", raw)
}

const principalRe = /^[A-Za-z0-9._@:-]{1,128}$/
/** `alice=tok1,bob=tok2` (or a bare token for principal `default`); arrays of the same in files. */
export const parseTokens = (raw: unknown, where: string): ReadonlyArray<StaticToken> =>
  list(raw, where).map(entry => {
    const eq = entry.indexOf("=")
    const principal = eq > 0 ? entry.slice(0, eq) : "default"
    const token = eq > 0 ? entry.slice(eq + 1) : entry
    if (!principalRe.test(principal) || principal.startsWith("jwt:"))
      throw invalid(where, "entries of principal=token (principal: letters, digits, . _ @ : -, not starting with jwt:)", principal)
    if (token.length < 16) throw invalid(where, "tokens of at least 16 characters", `${principal}=…`)
    return { principal, token }
  })

const pemOrFile = (raw: unknown, where: string): string | null => {
  const s = optStr(raw, where)
  if (s === null || s.startsWith("-----BEGIN")) return s
  try {
    return readFileSync(s, "utf8")
  } catch {
    throw invalid(where, "a PEM public key or the path of a readable PEM file", s)
  }
}

const preset = (raw: unknown, where: string): ServerPreset => {
  const s = str(raw, where)
  if (s === "dev" || s === "staging" || s === "production") return s
  throw invalid(where, "dev, staging or production", raw)
}

const trustProxy = (raw: unknown, where: string): ServerSettings["trustProxy"] => {
  if (typeof raw === "boolean") return raw
  if (raw === "loopback") return "loopback"
  if (typeof raw === "string" && /^(true|false|1|0|yes|no|on|off)?$/i.test(raw.trim())) return bool(raw, where)
  return list(raw, where)
}

const publicUrl = (raw: unknown, where: string): string | null => {
  const s = optStr(raw, where)
  if (s === null) return null
  try {
    const url = new URL(s)
    if (url.protocol === "http:" || url.protocol === "https:") return url.href.replace(/\/+$/, "")
  } catch {}
  throw invalid(where, "an absolute http(s) URL", raw)
}

const parsers: Parsers = {
  preset,
  host: (raw, where) =>
    str(raw, where) ||
    (() => {
      throw invalid(where, "a host name or IP", raw)
    })(),
  port: int(0, 65535),
  publicUrl,
  tokens: parseTokens,
  jwtSecret: (raw, where) => {
    const s = optStr(raw, where)
    if (s !== null && s.length < 32) throw invalid(where, "a secret of at least 32 characters", "…")
    return s
  },
  jwtPublicKey: pemOrFile,
  jwtIssuer: optStr,
  jwtAudience: optStr,
  requireAuth: bool,
  forceInsecure: bool,
  corsOrigins: list,
  rateLimit: parseRateLimit,
  maxUploadBytes: parseByteSize,
  maxJsonBytes: parseByteSize,
  sseHeartbeatMs: int(10, 3_600_000),
  sseRetryMs: int(0, 3_600_000),
  signedUrlTtlSeconds: int(1, 365 * 24 * 3600),
  signedUrlMaxTtlSeconds: int(1, 365 * 24 * 3600),
  trustProxy,
  jwtMaxLifetimeSeconds: int(60, 365 * 24 * 3600),
  bodyTimeoutMs: int(100, 3_600_000),
  bodyMinBytes: parseByteSize
}

/** Env variable and config-file key of each setting. */
export const settingNames: { [K in keyof ServerSettings]: { readonly env: string; readonly file: string } } = {
  preset: { env: "CTS_PRESET", file: "preset" },
  host: { env: "CTS_HOST", file: "host" },
  port: { env: "CTS_PORT", file: "port" },
  publicUrl: { env: "CTS_PUBLIC_URL", file: "public_url" },
  tokens: { env: "CTS_TOKENS", file: "tokens" },
  jwtSecret: { env: "CTS_JWT_SECRET", file: "jwt_secret" },
  jwtPublicKey: { env: "CTS_JWT_PUBLIC_KEY", file: "jwt_public_key" },
  jwtIssuer: { env: "CTS_JWT_ISSUER", file: "jwt_issuer" },
  jwtAudience: { env: "CTS_JWT_AUDIENCE", file: "jwt_audience" },
  requireAuth: { env: "CTS_REQUIRE_AUTH", file: "require_auth" },
  forceInsecure: { env: "CTS_FORCE_INSECURE", file: "force_insecure" },
  corsOrigins: { env: "CTS_CORS_ORIGINS", file: "cors_origins" },
  rateLimit: { env: "CTS_RATE_LIMIT", file: "rate_limit" },
  maxUploadBytes: { env: "CTS_MAX_UPLOAD_BYTES", file: "max_upload_bytes" },
  maxJsonBytes: { env: "CTS_MAX_JSON_BYTES", file: "max_json_bytes" },
  sseHeartbeatMs: { env: "CTS_SSE_HEARTBEAT_MS", file: "sse_heartbeat_ms" },
  sseRetryMs: { env: "CTS_SSE_RETRY_MS", file: "sse_retry_ms" },
  signedUrlTtlSeconds: { env: "CTS_SIGNED_URL_TTL", file: "signed_url_ttl" },
  signedUrlMaxTtlSeconds: { env: "CTS_SIGNED_URL_MAX_TTL", file: "signed_url_max_ttl" },
  trustProxy: { env: "CTS_TRUST_PROXY", file: "trust_proxy" },
  jwtMaxLifetimeSeconds: { env: "CTS_JWT_MAX_LIFETIME", file: "jwt_max_lifetime" },
  bodyTimeoutMs: { env: "CTS_BODY_TIMEOUT_MS", file: "body_timeout_ms" },
  bodyMinBytes: { env: "CTS_BODY_MIN_BYTES", file: "body_min_bytes" }
}

/** Reads a TOML (`.toml`) or JSON (`.json`) config file into a plain object. */
export const readConfigFile = (path: string): Record<string, unknown> => {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (cause) {
    throw new ValidationError({
      code: "config_file_unreadable",
      message: `Cannot read config file ${path}: ${(cause as Error).message}.`,
      suggestedAction: "Check CTS_CONFIG_FILE."
    })
  }
  try {
    const ext = extname(path).toLowerCase()
    if (ext === ".toml") return parseToml(text) as Record<string, unknown>
    if (ext === ".json") return JSON.parse(text) as Record<string, unknown>
  } catch (cause) {
    throw new ValidationError({
      code: "invalid_config",
      message: `Config file ${path} does not parse: ${(cause as Error).message}.`,
      suggestedAction: "Fix the file's syntax."
    })
  }
  throw new ValidationError({
    code: "invalid_config",
    message: `Config file ${path} must end in .toml or .json.`,
    suggestedAction: "Rename the file or point CTS_CONFIG_FILE at a .toml/.json file."
  })
}

export interface ResolveServerSettingsInput {
  /** Environment to read `CTS_*` from (default `process.env`). */
  readonly env?: Record<string, string | undefined>
  /** The `[server]` table of a config file, already read. */
  readonly file?: Record<string, unknown>
  /** Explicit options (flags, `startServer` arguments); they win. */
  readonly overrides?: Partial<ServerSettings>
}

/** Preset defaults ← config file `[server]` ← `CTS_*` env ← explicit overrides; every value validated. */
export const resolveServerSettings = (input: ResolveServerSettingsInput = {}): ServerSettings => {
  const env = input.env ?? process.env
  const file = input.file ?? {}
  for (const key of Object.keys(file)) {
    if (!Object.values(settingNames).some(n => n.file === key)) {
      throw new ValidationError({
        code: "invalid_config",
        message: `Unknown setting "${key}" in the [server] section of the config file.`,
        suggestedAction: "See docs/configuration.md for the valid server settings.",
        details: { setting: key }
      })
    }
  }
  const pick = <K extends keyof ServerSettings>(key: K): ServerSettings[K] | undefined => {
    const override = input.overrides?.[key]
    if (override !== undefined) return override as ServerSettings[K]
    const { env: envName, file: fileKey } = settingNames[key]
    if (env[envName] !== undefined) return parsers[key](env[envName], envName)
    if (file[fileKey] !== undefined) return parsers[key](file[fileKey], `[server].${fileKey}`)
    return undefined
  }
  const base = presetDefaults[pick("preset") ?? "dev"]
  const resolved = { ...base } as Record<keyof ServerSettings, unknown>
  for (const key of Object.keys(parsers) as Array<keyof ServerSettings>) {
    const value = pick(key)
    if (value !== undefined) resolved[key] = value
  }
  return resolved as unknown as ServerSettings
}
