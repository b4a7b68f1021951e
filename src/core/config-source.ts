import { Config, Option } from "effect"
import type { S3Settings } from "./config.js"
import { readSettings, settingsConfig, type SettingValues } from "./config-provider.js"
import { artifactsRule, flag, list, positive, queueRule, readLimit, roots, storeRule, text } from "./config-rules.js"
import type { ReadLimits } from "./log/log-limits.js"

type Env = Readonly<Record<string, string | undefined>>

/** The core's settings: variable, `[core]` key of the config file, flag of `cts serve`/`cts worker`, and what each accepts. */
export const coreSettings = {
  dataDir: { env: "CTS_DATA_DIR", file: "data_dir", rule: text },
  xdgDataHome: { env: "XDG_DATA_HOME", rule: text },
  inputRoots: { env: "CTS_INPUT_ROOTS", file: "input_roots", rule: roots },
  concurrency: { env: "CTS_CONCURRENCY", file: "concurrency", flag: "--concurrency", rule: positive(true) },
  defaultTimeoutS: { env: "CTS_DEFAULT_TIMEOUT_S", file: "default_timeout_s", rule: positive(false) },
  signingKey: { env: "CTS_SIGNING_KEY", file: "signing_key", rule: text },
  retentionDays: { env: "CTS_RETENTION_DAYS", file: "retention_days", rule: positive(false) },
  maxInputsPerRun: { env: "CTS_MAX_INPUTS_PER_RUN", file: "max_inputs_per_run", rule: positive(true) },
  maxInputBytesPerRun: { env: "CTS_MAX_INPUT_BYTES_PER_RUN", file: "max_input_bytes_per_run", rule: positive(true) },
  minFreeBytes: { env: "CTS_MIN_FREE_BYTES", file: "min_free_bytes", rule: positive(true) },
  store: { env: "CTS_STORE", file: "store", flag: "--store", rule: storeRule },
  artifacts: { env: "CTS_ARTIFACTS", file: "artifacts", flag: "--artifacts", rule: artifactsRule },
  queue: { env: "CTS_QUEUE", file: "queue", flag: "--queue", rule: queueRule },
  s3Endpoint: { env: "CTS_S3_ENDPOINT", file: "s3_endpoint", rule: text },
  s3Region: { env: "CTS_S3_REGION", file: "s3_region", rule: text },
  s3AccessKeyId: { env: "CTS_S3_ACCESS_KEY_ID", file: "s3_access_key_id", rule: text },
  s3SecretAccessKey: { env: "CTS_S3_SECRET_ACCESS_KEY", file: "s3_secret_access_key", rule: text },
  s3ForcePathStyle: { env: "CTS_S3_FORCE_PATH_STYLE", file: "s3_force_path_style", rule: flag },
  traversalLimitWords: { env: "CTS_LOG_TRAVERSAL_LIMIT_WORDS", rule: readLimit },
  maxCanPayloadBytes: { env: "CTS_LOG_MAX_CAN_PAYLOAD_BYTES", rule: readLimit },
  maxLeadingMalformed: { env: "CTS_LOG_MAX_LEADING_MALFORMED", rule: readLimit },
  maxDecompressionRatio: { env: "CTS_LOG_MAX_DECOMPRESSION_RATIO", rule: readLimit },
  ratioGraceBytes: { env: "CTS_LOG_RATIO_GRACE_BYTES", rule: readLimit }
} as const

/** The core's settings as read from the variables (and the `[core]` table, and flags); each is None when unset or empty. */
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

/** The values that are set, as an object (an unset one has no key). */
const present = <K extends string, A>(values: Readonly<Record<K, Option.Option<A>>>): Partial<Record<K, A>> =>
  Object.fromEntries(Object.entries<Option.Option<A>>(values).flatMap(([key, value]) => (Option.isSome(value) ? [[key, value.value]] : []))) as Partial<
    Record<K, A>
  >

const toCoreSettings = (v: SettingValues<typeof coreSettings>): CoreSettings => {
  const { s3Endpoint, s3Region, s3AccessKeyId, s3SecretAccessKey, s3ForcePathStyle, ...rest } = v
  const { traversalLimitWords, maxCanPayloadBytes, maxLeadingMalformed, maxDecompressionRatio, ratioGraceBytes, ...core } = rest
  return {
    ...core,
    s3: {
      ...present({ endpoint: s3Endpoint, region: s3Region, accessKeyId: s3AccessKeyId, secretAccessKey: s3SecretAccessKey }),
      ...present({ forcePathStyle: s3ForcePathStyle })
    },
    logReadLimits: present({ traversalLimitWords, maxCanPayloadBytes, maxLeadingMalformed, maxDecompressionRatio, ratioGraceBytes })
  }
}

/** The Effect `Config` of the core's settings. */
export const coreSettingsConfig: Config.Config<CoreSettings> = settingsConfig(coreSettings).pipe(Config.map(toCoreSettings))

/** Flag values of the core's settings (`--store`, `--artifacts`, `--queue`, `--concurrency`), by setting name. */
export type CoreFlags = Partial<Record<"store" | "artifacts" | "queue" | "concurrency", string | undefined>>

/**
 * Reads the core's settings through one Effect `ConfigProvider`: flags over the `CTS_*` variables of `env`
 * over the `[core]` table of a config file (`file`, already parsed from TOML or JSON). A set variable wins,
 * even when empty (then the default applies). Throws `invalid_config` naming the variable, file key or
 * flag and what it accepts.
 */
export const readCoreSettings = (env: Env, file?: unknown, flags?: CoreFlags): CoreSettings =>
  readSettings(coreSettings, coreSettingsConfig, {
    env,
    file: file === undefined ? undefined : { table: file, prefix: "[core].", name: "the [core] section of the config file" },
    flags
  })

/** `CTS_TOOL_MODULES`: extra tool modules (paths or `file:` URLs), comma-separated; read on its own, as `makeCtsLayer` needs it apart from `CtsConfig`. */
const toolModules = { toolModules: { env: "CTS_TOOL_MODULES", rule: list(",", "a comma-separated list of module paths or file: URLs") } } as const
const toolModulesConfig = settingsConfig(toolModules)

/** The extra tool modules `CTS_TOOL_MODULES` names (none when unset). */
export const readToolModules = (env: Env): ReadonlyArray<string> =>
  Option.getOrElse(readSettings(toolModules, toolModulesConfig, { env }).toolModules, () => [])
