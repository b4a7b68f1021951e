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
  /** Run store: unset or `sqlite` = `<dataDir>/cts.sqlite`; a `postgres://…` URL = that PostgreSQL database (`CTS_STORE`). */
  readonly store?: string
  /** Artifact bytes: unset or `local` = `<dataDir>/artifacts`; `s3://bucket/prefix` = that S3 bucket (`CTS_ARTIFACTS`). */
  readonly artifacts?: string
  /**
   * Run queue: unset or `memory` = in this process; a `redis://…` / `rediss://…` URL = a BullMQ queue on that
   * Redis, shared by every node (`CTS_QUEUE`). Runs on a shared queue are executed by `cts worker` processes.
   */
  readonly queue?: string
  /** How to reach the S3 service of `artifacts` (`CTS_S3_*`; unset values fall back to the AWS SDK's own `AWS_*` settings). */
  readonly s3?: S3Settings
}

/** Connection settings of the S3 artifact store. */
export interface S3Settings {
  /** Custom endpoint (MinIO, Garage, R2…), e.g. `http://127.0.0.1:9000` (`CTS_S3_ENDPOINT`). */
  readonly endpoint?: string
  /** Region (`CTS_S3_REGION`, default `us-east-1`). */
  readonly region?: string
  /** Access key id and secret (`CTS_S3_ACCESS_KEY_ID`, `CTS_S3_SECRET_ACCESS_KEY`). */
  readonly accessKeyId?: string
  readonly secretAccessKey?: string
  /** Path-style URLs (`http://host/bucket/key`), needed by most self-hosted services (`CTS_S3_FORCE_PATH_STYLE`; default true when an endpoint is set). */
  readonly forcePathStyle?: boolean
}

/** Free space the health check wants in the data dir when `minFreeBytes` is not set: 64 MiB. */
export const DEFAULT_MIN_FREE_BYTES = 64 * 1024 * 1024

export class CtsConfig extends Context.Tag("cts/CtsConfig")<CtsConfig, CtsConfigShape>() {}
