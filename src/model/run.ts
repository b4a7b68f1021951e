import { Schema } from "effect"
import { ErrorCategorySchema as ErrorCategory } from "./error-schema.js"

/** Where a run is in its life: `queued → running → completed | failed | canceled`. */
export const RunStatus = Schema.Literal("queued", "running", "completed", "failed", "canceled")
export type RunStatus = typeof RunStatus.Type

/** Every run status, in lifecycle order. */
export const RUN_STATUSES: ReadonlyArray<RunStatus> = RunStatus.literals

/** Whether a run in `status` has ended (completed, failed or canceled): nothing changes it any more. */
export const isTerminalStatus = (status: RunStatus): boolean => status === "completed" || status === "failed" || status === "canceled"

/** Where a run's input comes from: a local path (only under the configured roots) or a stored artifact (uploads). */
export const InputRef = Schema.Union(
  Schema.Struct({ type: Schema.Literal("path"), path: Schema.String }),
  Schema.Struct({ type: Schema.Literal("artifact"), id: Schema.String })
)
export type InputRef = typeof InputRef.Type

/** Why a run failed, as its record keeps it. */
export const RunError = Schema.Struct({
  category: ErrorCategory,
  code: Schema.String,
  message: Schema.String,
  suggestedAction: Schema.optionalWith(Schema.String, { exact: true })
})
export type RunError = typeof RunError.Type

/**
 * One input of a run as its record shows it. `size` is the file's size when the run was submitted.
 * `sha256` is an artifact input's stored hash; for a path input it is null until the worker has
 * hashed the file to its end while the tool read it (recorded then), and stays null when the run
 * failed, was canceled or timed out before that.
 */
export const RunInput = Schema.Struct({
  name: Schema.String,
  size: Schema.Number,
  sha256: Schema.NullOr(Schema.String),
  ref: InputRef
})
export type RunInput = typeof RunInput.Type

/** A run's last reported progress. */
export const RunProgress = Schema.Struct({ fraction: Schema.Number, note: Schema.optionalWith(Schema.String, { exact: true }) })
export type RunProgress = typeof RunProgress.Type

const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** The persisted record of a run. */
export const RunRecord = Schema.Struct({
  id: Schema.String,
  toolId: Schema.String,
  toolVersion: Schema.String,
  name: Schema.NullOr(Schema.String),
  owner: Schema.NullOr(Schema.String),
  status: RunStatus,
  /** Decoded params (defaults applied). */
  params: JsonObject,
  inputs: Schema.Array(RunInput),
  createdAt: Schema.String,
  startedAt: Schema.NullOr(Schema.String),
  finishedAt: Schema.NullOr(Schema.String),
  timeoutMs: Schema.Number,
  progress: Schema.NullOr(RunProgress),
  error: Schema.NullOr(RunError),
  summary: Schema.NullOr(JsonObject),
  artifactIds: Schema.Array(Schema.String)
}).annotations({ identifier: "RunRecord" })
export type RunRecord = typeof RunRecord.Type

/** Filter and page of a run listing; `cursor` is the last id of the previous page. */
export interface RunQuery {
  readonly status?: RunStatus
  readonly toolId?: string
  readonly owner?: string
  readonly cursor?: string
  readonly limit?: number
}

/** One page of runs, newest first. */
export interface RunPage {
  readonly items: ReadonlyArray<RunRecord>
  readonly nextCursor: string | null
}
