import type { artifactToWire, runToWire } from "../adapters/http/wire.js"
import type { toolToWire } from "../adapters/http/routes/system-routes.js"

/** A run as the HTTP API sends it (snake_case, absolute links). */
export type RunWire = ReturnType<typeof runToWire>
/** Artifact metadata as the HTTP API sends it. */
export type ArtifactWire = ReturnType<typeof artifactToWire>
/** A run event (log, progress, status, end) as logs pages and SSE `data:` carry it (`eventToWire`). */
export type RunEventWire = { readonly seq: number; readonly time: string } & (
  | { readonly type: "log"; readonly level: "debug" | "info" | "warn" | "error"; readonly source: "tool" | "executor" | "console"; readonly message: string }
  | { readonly type: "progress"; readonly fraction: number; readonly note: string | null }
  | { readonly type: "status" | "end"; readonly status: RunWire["status"] }
)
/** A tool in `GET /v1/capabilities`. */
export type ToolWire = ReturnType<typeof toolToWire>
/** A run's status. */
export type RunStatusWire = RunWire["status"]
/** One page of a listing. */
export interface Page<T> {
  readonly items: ReadonlyArray<T>
  readonly nextCursor: string | null
}
/** A run input as POST /v1/runs takes it. */
export interface InputWire {
  readonly type: "path" | "upload"
  readonly value: string
}
