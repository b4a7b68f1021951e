import path from "node:path"
import { Config, ConfigError, ConfigProvider, Effect, Either, Option } from "effect"
import type { S3Settings } from "./config.js"
import { ValidationError } from "./errors.js"
import type { ReadLimits } from "./log/log-limits.js"

type Env = Readonly<Record<string, string | undefined>>

/** Keys of a config file's `[core]` table and the `CTS_*` variable each stands for (a set variable wins over the file). */
export const CORE_FILE_KEYS: Readonly<Record<string, string>> = {
  data_dir: "CTS_DATA_DIR",
  input_roots: "CTS_INPUT_ROOTS",
  concurrency: "CTS_CONCURRENCY",
  default_timeout_s: "CTS_DEFAULT_TIMEOUT_S",
  signing_key: "CTS_SIGNING_KEY",
  retention_days: "CTS_RETENTION_DAYS",
  max_inputs_per_run: "CTS_MAX_INPUTS_PER_RUN",
  max_input_bytes_per_run: "CTS_MAX_INPUT_BYTES_PER_RUN",
  min_free_bytes: "CTS_MIN_FREE_BYTES",
  store: "CTS_STORE",
  artifacts: "CTS_ARTIFACTS",
  queue: "CTS_QUEUE",
  s3_endpoint: "CTS_S3_ENDPOINT",
  s3_region: "CTS_S3_REGION",
  s3_access_key_id: "CTS_S3_ACCESS_KEY_ID",
  s3_secret_access_key: "CTS_S3_SECRET_ACCESS_KEY",
  s3_force_path_style: "CTS_S3_FORCE_PATH_STYLE"
}

/** Environment variables that set the log reader's limits (docs/log-reader.md, "Reader limits"). */
export const READ_LIMIT_ENV_VARS: Readonly<Record<string, keyof ReadLimits>> = {
  CTS_LOG_TRAVERSAL_LIMIT_WORDS: "traversalLimitWords",
  CTS_LOG_MAX_CAN_PAYLOAD_BYTES: "maxCanPayloadBytes",
  CTS_LOG_MAX_LEADING_MALFORMED: "maxLeadingMalformed",
  CTS_LOG_MAX_DECOMPRESSION_RATIO: "maxDecompressionRatio",
  CTS_LOG_RATIO_GRACE_BYTES: "ratioGraceBytes"
}

/** What a setting accepts: `parse` gives the value, or undefined when `raw` is not `expected`. */
interface Rule<A> {
  readonly expected: string
  readonly parse: (raw: string) => A | undefined
  /** Added to the advice, e.g. where the docs explain the setting. */
  readonly advice?: string
  /** How the value is shown in a message (a URL's password is masked). */
  readonly show?: (raw: string) => string
}

const positive = (integer: boolean): Rule<number> => ({
  expected: integer ? "a positive integer" : "a positive number",
  parse: raw => {
    const n = Number(raw)
    return Number.isFinite(n) && n > 0 && (!integer || Number.isSafeInteger(n)) ? n : undefined
  }
})
const readLimit: Rule<number> = {
  expected: "a positive number",
  advice: " (or Infinity to turn the limit off)",
  parse: raw => (Number(raw) > 0 ? Number(raw) : undefined)
}
const text: Rule<string> = { expected: "a string", parse: raw => raw }
const roots: Rule<ReadonlyArray<string>> = { expected: "a list of directories", parse: raw => raw.split(path.delimiter).filter(r => r.trim() !== "") }
const flag: Rule<boolean> = {
  expected: "true or false",
  parse: raw => {
    const s = raw.toLowerCase()
    return ["1", "true", "yes", "on"].includes(s) ? true : ["0", "false", "no", "off"].includes(s) ? false : undefined
  }
}
const backendAdvice = " (see docs/configuration.md, storage backends)"
/** `sqlite` or a `postgres://` / `postgresql://` URL. */
export const storeRule: Rule<string> = {
  expected: "sqlite or a postgres://user@host:port/database URL",
  advice: backendAdvice,
  parse: raw => (raw === "sqlite" || /^postgres(ql)?:\/\/[^\s]+$/.test(raw) ? raw : undefined),
  show: raw => raw.replace(/:[^:@/]*@/, ":***@")
}
/** `local` or `s3://bucket[/prefix]`. */
export const artifactsRule: Rule<string> = {
  expected: "local or s3://bucket/prefix",
  advice: backendAdvice,
  parse: raw => (raw === "local" || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/.test(raw) ? raw : undefined)
}

/** `memory` or a `redis://` / `rediss://` URL. */
export const queueRule: Rule<string> = {
  expected: "memory or a redis://[user:password@]host:port[/db] URL",
  advice: " (see docs/deployment.md, scale-out)",
  parse: raw => (raw === "memory" || /^rediss?:\/\/[^\s]+$/.test(raw) ? raw : undefined),
  show: raw => raw.replace(/:[^:@/]*@/, ":***@")
}

/** True when a `queue` setting names a shared Redis (BullMQ) queue. */
export const isRedisQueue = (queue: string | undefined): queue is string => queue !== undefined && /^rediss?:\/\//.test(queue)

/** The error for a value a rule refuses, naming where it was set and what is allowed. */
export const invalidSetting = (where: string, raw: string, rule: Rule<unknown>): ValidationError =>
  new ValidationError({
    code: "invalid_config",
    message: `${where}=${JSON.stringify(rule.show ? rule.show(raw) : raw)} is not ${rule.expected}`,
    suggestedAction: `Set ${where} to ${rule.expected}${rule.advice ?? ""}, or unset it to use the default`,
    details: { variable: where }
  })

/** Checks an explicit value (an option, not a variable) with `rule`; throws `invalid_config` naming `where`. */
export const checkSetting = <A>(rule: Rule<A>, value: string, where: string): A => {
  const parsed = rule.parse(value.trim())
  if (parsed === undefined) throw invalidSetting(where, value, rule)
  return parsed
}

/** The core's settings as read from the variables (and the `[core]` table); each is None when unset or empty. */
export interface CoreSettings {
  readonly dataDir: Option.Option<string>
  readonly xdgDataHome: Option.Option<string>
  readonly inputRoots: Option.Option<ReadonlyArray<string>>
  readonly concurrency: Option.Option<number>
  readonly defaultTimeoutS: Option.Option<number>
  readonly signingKey: Option.Option<string>
  readonly retentionDays: Option.Option<number>
  readonly maxInputsPerRun: Option.Option<number>
  readonly maxInputBytesPerRun: Option.Option<number>
  readonly minFreeBytes: Option.Option<number>
  readonly store: Option.Option<string>
  readonly artifacts: Option.Option<string>
  readonly queue: Option.Option<string>
  readonly s3: S3Settings
  readonly logReadLimits: Partial<ReadLimits>
}

const settingsConfig = (where: (name: string) => string, refused: Map<string, ValidationError>) => {
  const setting = <A>(name: string, rule: Rule<A>): Config.Config<Option.Option<A>> =>
    Config.option(Config.string(name)).pipe(
      Config.mapOrFail(value => {
        const raw = Option.getOrUndefined(value)?.trim()
        if (raw === undefined || raw === "") return Either.right(Option.none<A>())
        const parsed = rule.parse(raw)
        if (parsed !== undefined) return Either.right(Option.some(parsed))
        refused.set(name, invalidSetting(where(name), raw, rule))
        return Either.left(ConfigError.InvalidData([name], `is not ${rule.expected}`))
      })
    )
  const present = <A>(entries: ReadonlyArray<readonly [string, Option.Option<A>]>) =>
    Object.fromEntries(entries.flatMap(([key, value]) => (Option.isSome(value) ? [[key, value.value]] : [])))
  return Config.all({
    dataDir: setting("CTS_DATA_DIR", text),
    xdgDataHome: setting("XDG_DATA_HOME", text),
    inputRoots: setting("CTS_INPUT_ROOTS", roots),
    concurrency: setting("CTS_CONCURRENCY", positive(true)),
    defaultTimeoutS: setting("CTS_DEFAULT_TIMEOUT_S", positive(false)),
    signingKey: setting("CTS_SIGNING_KEY", text),
    retentionDays: setting("CTS_RETENTION_DAYS", positive(false)),
    maxInputsPerRun: setting("CTS_MAX_INPUTS_PER_RUN", positive(true)),
    maxInputBytesPerRun: setting("CTS_MAX_INPUT_BYTES_PER_RUN", positive(true)),
    minFreeBytes: setting("CTS_MIN_FREE_BYTES", positive(true)),
    store: setting("CTS_STORE", storeRule),
    artifacts: setting("CTS_ARTIFACTS", artifactsRule),
    queue: setting("CTS_QUEUE", queueRule),
    s3: Config.all([
      setting("CTS_S3_ENDPOINT", text),
      setting("CTS_S3_REGION", text),
      setting("CTS_S3_ACCESS_KEY_ID", text),
      setting("CTS_S3_SECRET_ACCESS_KEY", text),
      setting("CTS_S3_FORCE_PATH_STYLE", flag)
    ]).pipe(
      Config.map(
        ([endpoint, region, accessKeyId, secretAccessKey, forcePathStyle]) =>
          ({
            ...present([
              ["endpoint", endpoint],
              ["region", region],
              ["accessKeyId", accessKeyId],
              ["secretAccessKey", secretAccessKey]
            ]),
            ...present([["forcePathStyle", forcePathStyle]])
          }) as S3Settings
      )
    ),
    logReadLimits: Config.all(Object.entries(READ_LIMIT_ENV_VARS).map(([name, key]) => Config.map(setting(name, readLimit), v => [key, v] as const))).pipe(
      Config.map(entries => present(entries) as Partial<ReadLimits>)
    )
  })
}

const fileValue = (key: string, value: unknown, where: string): string => {
  if (key === "input_roots" && Array.isArray(value) && value.every(v => typeof v === "string")) return value.join(path.delimiter)
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value)
  throw new ValidationError({
    code: "invalid_config",
    message: `${where} must be a string, number or boolean; got ${JSON.stringify(value)}.`,
    details: { variable: where }
  })
}

/**
 * Reads the core's settings through one Effect `ConfigProvider`: the `CTS_*` variables of `env` over
 * the `[core]` table of a config file (`file`, already parsed from TOML or JSON). A set variable wins,
 * even when empty (then the default applies). Throws `invalid_config` naming the variable or file key
 * and what it accepts.
 */
export const readCoreSettings = (env: Env, file?: unknown): CoreSettings => {
  const values = new Map<string, string>()
  const where = new Map<string, string>()
  if (file !== undefined) {
    if (typeof file !== "object" || file === null || Array.isArray(file)) {
      throw new ValidationError({ code: "invalid_config", message: "[core] in the config file must be a table." })
    }
    for (const [key, value] of Object.entries(file)) {
      const name = CORE_FILE_KEYS[key]
      if (name === undefined)
        throw new ValidationError({
          code: "invalid_config",
          message: `Unknown setting "${key}" in the [core] section of the config file.`,
          suggestedAction: "See docs/configuration.md."
        })
      values.set(name, fileValue(key, value, `[core].${key}`))
      where.set(name, `[core].${key}`)
    }
  }
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue
    values.set(name, value)
    where.delete(name)
  }
  const refused = new Map<string, ValidationError>()
  const provider = ConfigProvider.fromMap(values, { pathDelim: "\u0000" })
  const read = Effect.runSync(Effect.either(provider.load(settingsConfig(name => where.get(name) ?? name, refused))))
  if (Either.isRight(read)) return read.right
  throw [...refused.values()][0] ?? new ValidationError({ code: "invalid_config", message: `The configuration could not be read: ${read.left}` })
}
