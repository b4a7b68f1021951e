import type { ArtifactMeta } from "../../model/artifact.js"
import type { WireError } from "../../model/error-schema.js"
import type { LogData, LogLevel } from "../../model/run-event.js"
import type { ReadLimits } from "../log/log-limits.js"
import type { FileIdentity } from "./input-identity.js"

/** A path input the worker opens itself: a local file the executor checked (never read) at submit. */
export interface PathWorkerInput {
  readonly kind: "path"
  readonly name: string
  readonly size: number
  /** Always null: a path input is hashed as the tool reads it. */
  readonly sha256: string | null
  readonly path: string
  /** The file's identity at submit: the worker refuses a file that no longer matches it (`input_changed`). */
  readonly identity: FileIdentity
  /** Real input roots the opened file must still be under (path inputs when roots are configured); null = not checked. */
  readonly roots: ReadonlyArray<string> | null
}

/**
 * An artifact input (an upload or an earlier run's output): no file path, only the artifact's id. The
 * worker asks the executor for its bytes (`input-read`), which reads them through the ArtifactStore.
 */
export interface ArtifactWorkerInput {
  readonly kind: "artifact"
  readonly id: string
  readonly name: string
  readonly size: number
  /** The stored hash. */
  readonly sha256: string
}

/** A run input as the worker job carries it. */
export type WorkerInput = PathWorkerInput | ArtifactWorkerInput

/** The job a worker runs (sent in its `start` message). */
export interface WorkerJob {
  readonly runId: string
  readonly toolId: string
  readonly toolVersion: string
  /** Module to import the tool from; null = built-in tools. */
  readonly moduleUrl: string | null
  /** Params in encoded (JSON) form; the worker decodes them with the tool's schema. */
  readonly params: Record<string, unknown>
  readonly inputs: ReadonlyArray<WorkerInput>
  /** Log reader limits from the config (tools pass them to `openLog`). */
  readonly readLimits?: Partial<ReadLimits>
}

/** Messages from the worker to the executor. */
export type FromWorker =
  /** The tool is loaded and its params decoded; its run starts now (the timeout clock starts here). */
  | { readonly type: "started" }
  | { readonly type: "log"; readonly level: LogLevel; readonly source: "tool" | "console"; readonly message: string; readonly data?: LogData }
  | { readonly type: "progress"; readonly fraction: number; readonly note?: string }
  /** Input `index` has been hashed to its end (by the tool's reads, or by finishing the rest). */
  | { readonly type: "input-hashed"; readonly index: number; readonly sha256: string; readonly size: number }
  | {
      readonly type: "artifact-open"
      readonly writeId: number
      readonly name: string
      readonly contentType: string
      readonly metadata?: Record<string, unknown>
    }
  | { readonly type: "artifact-chunk"; readonly writeId: number; readonly chunk: Uint8Array }
  /** The body ended; `metadata`, when given, replaces what `artifact-open` carried (values known only at the end). */
  | { readonly type: "artifact-close"; readonly writeId: number; readonly metadata?: Record<string, unknown> }
  | { readonly type: "artifact-abort"; readonly writeId: number; readonly message: string }
  /** Asks for up to `length` bytes of artifact input `index` from `offset`; one read per input at a time. */
  | { readonly type: "input-read"; readonly index: number; readonly readId: number; readonly offset: number; readonly length: number }
  | { readonly type: "done"; readonly summary: Record<string, unknown> }
  | { readonly type: "failed"; readonly error: WireError }

/** Messages from the executor to the worker. */
export type ToWorker =
  /** First message: the worker runs this job, then is terminated. */
  | { readonly type: "start"; readonly job: WorkerJob }
  | { readonly type: "abort"; readonly reason: "canceled" | "timeout" }
  /** One chunk of `writeId` was stored: the worker may send another. */
  | { readonly type: "artifact-ack"; readonly writeId: number }
  | { readonly type: "artifact-done"; readonly writeId: number; readonly meta: ArtifactMeta }
  | { readonly type: "artifact-failed"; readonly writeId: number; readonly error: WireError }
  /** The bytes of `input-read` `readId` (transferred; shorter than asked only at the artifact's end). */
  | { readonly type: "input-data"; readonly readId: number; readonly chunk: Uint8Array }
  | { readonly type: "input-error"; readonly readId: number; readonly error: WireError }

export { isWireError, toWireError } from "../../model/error-schema.js"
export type { WireError } from "../../model/error-schema.js"
