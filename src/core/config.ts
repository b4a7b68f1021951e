import { Context } from "effect"
import type { ReadLimits } from "./log/log-limits.js"

/** Settings the core services read. Adapters build it from env, files and flags. */
export interface CtsConfigShape {
  /** Where runs, logs and artifacts live (`CTS_DATA_DIR`). */
  readonly dataDir: string
  /** Path inputs must resolve under one of these (`CTS_INPUT_ROOTS`); `null` = any path (embedded, local user). */
  readonly inputRoots: ReadonlyArray<string> | null
  /** Concurrent runs (default: number of cores). */
  readonly concurrency: number
  /** Default per-run timeout when a tool sets none, ms. */
  readonly defaultTimeoutMs: number
  /** HMAC key for signed artifact URLs. */
  readonly signingKey: string
  /** Artifacts of runs older than this are swept; `null` = keep forever. */
  readonly retentionDays: number | null
  /** Log reader limits for tool runs (`CTS_LOG_*`); unset ones keep the reader's defaults (docs/log-reader.md). */
  readonly logReadLimits?: Partial<ReadLimits>
  /** Inputs one run may take (`CTS_MAX_INPUTS_PER_RUN`); unset = `DEFAULT_MAX_INPUTS_PER_RUN`. */
  readonly maxInputsPerRun?: number
  /** Total input bytes one run may take (`CTS_MAX_INPUT_BYTES_PER_RUN`); unset = `DEFAULT_MAX_INPUT_BYTES_PER_RUN`. */
  readonly maxInputBytesPerRun?: number
  /** Health reports storage as failing below this many free bytes in the data dir (`CTS_MIN_FREE_BYTES`); default `DEFAULT_MIN_FREE_BYTES`. */
  readonly minFreeBytes?: number
}

/** Free space the health check wants in the data dir when `minFreeBytes` is not set: 64 MiB. */
export const DEFAULT_MIN_FREE_BYTES = 64 * 1024 * 1024

export class CtsConfig extends Context.Tag("cts/CtsConfig")<CtsConfig, CtsConfigShape>() {}
