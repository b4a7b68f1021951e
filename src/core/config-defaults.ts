import { randomBytes } from "node:crypto"
import { chmodSync, readFileSync, writeFileSync } from "node:fs"
import { availableParallelism, homedir } from "node:os"
import path from "node:path"
import { Option } from "effect"
import { DEFAULT_MIN_FREE_BYTES, type CtsConfigShape } from "./config.js"
import { SystemError, ValidationError } from "./errors.js"
import { checkSetting } from "./config-provider.js"
import { artifactsRule, queueRule, storeRule } from "./config-rules.js"
import { readCoreSettings, type CoreFlags, type CoreSettings } from "./config-source.js"
import { ensurePrivateDir } from "./util/private-files.js"

/** Default per-run timeout when neither the tool nor the run sets one: 10 minutes. */
export const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000

/** Default cap on the inputs of one run (a route of 256 one-minute segments). */
export const DEFAULT_MAX_INPUTS_PER_RUN = 256

/** Default cap on the total size of one run's inputs: 32 GiB. */
export const DEFAULT_MAX_INPUT_BYTES_PER_RUN = 32 * 1024 ** 3

/** Name of the file (inside the data dir) holding the generated signing key. */
export const SIGNING_KEY_FILE = "signing-key"

type Env = Readonly<Record<string, string | undefined>>

const dataDirFrom = (explicit: string | undefined, xdg: string | undefined): string => {
  if (explicit) return path.resolve(explicit)
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir(), ".local", "share")
  return path.join(base, "cts-lite")
}

/** The default data dir: `CTS_DATA_DIR`, else `$XDG_DATA_HOME/cts-lite`, else `~/.local/share/cts-lite`. */
export const defaultDataDir = (env: Env = process.env): string => dataDirFrom(env.CTS_DATA_DIR?.trim(), env.XDG_DATA_HOME?.trim())

const dataDirOf = (settings: CoreSettings): string => dataDirFrom(Option.getOrUndefined(settings.dataDir), Option.getOrUndefined(settings.xdgDataHome))

/** Reads the signing key persisted in `dataDir`, creating it (mode 0600) on first use. */
export const loadOrCreateSigningKey = (dataDir: string): string => {
  const file = path.join(dataDir, SIGNING_KEY_FILE)
  try {
    ensurePrivateDir(dataDir)
    try {
      const existing = readFileSync(file, "utf8").trim()
      if (existing.length >= 32) return existing
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e
    }
    const key = randomBytes(32).toString("base64url")
    try {
      writeFileSync(file, key + "\n", { mode: 0o600, flag: "wx" })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
      return readFileSync(file, "utf8").trim()
    }
    chmodSync(file, 0o600)
    return key
  } catch (e) {
    throw new SystemError({
      code: "data_dir_unwritable",
      message: `Cannot read or create the signing key in ${dataDir}: ${(e as Error).message}`,
      suggestedAction: "Point CTS_DATA_DIR at a writable directory, or set CTS_SIGNING_KEY"
    })
  }
}

/** `logReadLimits` only when one is set, so an unconfigured config has no such key. */
const withLogReadLimits = (limits: CtsConfigShape["logReadLimits"] & object) => (Object.keys(limits).length > 0 ? { logReadLimits: limits } : {})

/**
 * Builds the full configuration: explicit values win, then flags (`flags`: `--store`, `--artifacts`, `--queue`,
 * `--concurrency`), then `CTS_*` environment variables, then the `[core]` table of a config file (`file`; all three
 * read through one ConfigProvider, `config-source.ts`), then defaults
 * (data dir under the XDG data home, concurrency = cores, 10 min timeout, no input-root restriction,
 * 256 inputs and 32 GiB of input per run,
 * keep artifacts forever, signing key generated once and kept in the data dir).
 * Throws a ValidationError for a malformed variable, a SystemError when the data dir is unusable.
 */
export const resolveConfig = (partial: Partial<CtsConfigShape> = {}, env: Env = process.env, file?: unknown, flags?: CoreFlags): CtsConfigShape => {
  const read = readCoreSettings(env, file, flags)
  const dataDir = path.resolve(partial.dataDir ?? dataDirOf(read))
  const inputRoots = partial.inputRoots !== undefined ? partial.inputRoots : Option.getOrNull(read.inputRoots)
  const timeoutS = Option.getOrUndefined(read.defaultTimeoutS)
  const concurrency = partial.concurrency ?? Option.getOrUndefined(read.concurrency) ?? availableParallelism()
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError({ code: "invalid_config", message: `concurrency must be a positive integer, got ${concurrency}` })
  }
  const defaultTimeoutMs = partial.defaultTimeoutMs ?? (timeoutS !== undefined ? Math.round(timeoutS * 1000) : DEFAULT_TIMEOUT_MS)
  if (!(defaultTimeoutMs > 0)) {
    throw new ValidationError({ code: "invalid_config", message: `defaultTimeoutMs must be positive, got ${defaultTimeoutMs}` })
  }
  const maxInputsPerRun = partial.maxInputsPerRun ?? Option.getOrUndefined(read.maxInputsPerRun) ?? DEFAULT_MAX_INPUTS_PER_RUN
  const maxInputBytesPerRun = partial.maxInputBytesPerRun ?? Option.getOrUndefined(read.maxInputBytesPerRun) ?? DEFAULT_MAX_INPUT_BYTES_PER_RUN
  for (const [name, value] of [
    ["maxInputsPerRun", maxInputsPerRun],
    ["maxInputBytesPerRun", maxInputBytesPerRun]
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ValidationError({ code: "invalid_config", message: `${name} must be a positive integer, got ${value}` })
    }
  }
  const signingKey = partial.signingKey ?? Option.getOrElse(read.signingKey, () => loadOrCreateSigningKey(dataDir))
  const store = partial.store !== undefined ? checkSetting(storeRule, partial.store, "store") : Option.getOrUndefined(read.store)
  const artifacts = partial.artifacts !== undefined ? checkSetting(artifactsRule, partial.artifacts, "artifacts") : Option.getOrUndefined(read.artifacts)
  const queue = partial.queue !== undefined ? checkSetting(queueRule, partial.queue, "queue") : Option.getOrUndefined(read.queue)
  const s3 = { ...read.s3, ...partial.s3 }
  return {
    dataDir,
    inputRoots: inputRoots === null ? null : inputRoots.map(r => path.resolve(r)),
    concurrency,
    defaultTimeoutMs,
    signingKey,
    retentionDays: partial.retentionDays !== undefined ? partial.retentionDays : Option.getOrNull(read.retentionDays),
    maxInputsPerRun,
    maxInputBytesPerRun,
    minFreeBytes: partial.minFreeBytes ?? Option.getOrUndefined(read.minFreeBytes) ?? DEFAULT_MIN_FREE_BYTES,
    ...withLogReadLimits({ ...read.logReadLimits, ...partial.logReadLimits }),
    ...(store !== undefined ? { store } : {}),
    ...(artifacts !== undefined ? { artifacts } : {}),
    ...(queue !== undefined ? { queue } : {}),
    ...(Object.keys(s3).length > 0 ? { s3 } : {})
  }
}
