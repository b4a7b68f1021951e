import { Schema } from "effect"
import { ArtifactMeta } from "../../model/artifact.js"
import { ErrorCategorySchema as ErrorCategory } from "../../model/error-schema.js"
import { RunRecord } from "../../model/run.js"
import { LogLevel, LogSource } from "../../model/run-event.js"

const run = RunRecord.fields
const artifact = ArtifactMeta.fields
const Url = Schema.String

/** A run input as the API shows it: `{ type: "path" | "upload", value }` beside the record's name, size and sha256. */
export const RunInputWire = Schema.Struct({
  name: Schema.String,
  size: Schema.Number,
  sha256: Schema.NullOr(Schema.String),
  type: Schema.Literal("path", "upload"),
  value: Schema.String
})

/** `RunRecord` (src/model/run.ts) in the API's snake_case, with the error's hints as a list and absolute links. */
export const RunWire = Schema.Struct({
  id: run.id,
  tool_id: run.toolId,
  tool_version: run.toolVersion,
  name: run.name,
  status: run.status,
  params: run.params,
  inputs: Schema.Array(RunInputWire),
  created_at: run.createdAt,
  started_at: run.startedAt,
  finished_at: run.finishedAt,
  timeout_ms: run.timeoutMs,
  progress: run.progress,
  error: Schema.NullOr(Schema.Struct({ category: ErrorCategory, code: Schema.String, message: Schema.String, suggested_actions: Schema.Array(Schema.String) })),
  summary: run.summary,
  artifact_ids: run.artifactIds,
  links: Schema.Struct({ self: Url, logs: Url, stream: Url, artifacts: Url, bundle: Url })
}).annotations({ identifier: "Run" })
export type RunWire = typeof RunWire.Type

/** `ArtifactMeta` (src/model/artifact.ts) in the API's snake_case, with absolute URLs. */
export const ArtifactWire = Schema.Struct({
  id: artifact.id,
  run_id: artifact.runId,
  name: artifact.name,
  size: artifact.size,
  sha256: artifact.sha256,
  content_type: artifact.contentType,
  created_at: artifact.createdAt,
  partial: Schema.Boolean,
  urls: Schema.Struct({ self: Url, download: Url, sign: Url })
}).annotations({ identifier: "Artifact" })
export type ArtifactWire = typeof ArtifactWire.Type

const eventHead = { seq: Schema.Number, time: Schema.String }

/** A `RunEvent` (src/model/run-event.ts) as a logs page and SSE `data:` show it (no run id; `note` is null when absent). */
export const RunEventWire = Schema.Union(
  Schema.Struct({ ...eventHead, type: Schema.Literal("log"), level: LogLevel, source: LogSource, message: Schema.String }),
  Schema.Struct({ ...eventHead, type: Schema.Literal("progress"), fraction: Schema.Number, note: Schema.NullOr(Schema.String) }),
  Schema.Struct({ ...eventHead, type: Schema.Literal("status", "end"), status: run.status })
).annotations({ identifier: "RunEvent" })
export type RunEventWire = typeof RunEventWire.Type
