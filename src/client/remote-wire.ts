import type { InputRef, RunRecord, RunStatus } from "../core/executor/executor.js"
import type { RunEvent } from "../core/run-events/log-stream.js"
import type { ToolInfo } from "../core/registry/tool-registry.js"
import type { LogData, LogLevel, ToolInputSpec, ToolOutputSpec } from "../core/tools/define-tool.js"
import type { ArtifactView } from "./cts-client.js"

type Wire = Record<string, any>

const firstAction = (actions: unknown): string | undefined => (Array.isArray(actions) && typeof actions[0] === "string" ? actions[0] : undefined)

const runErrorFromWire = (e: Wire): NonNullable<RunRecord["error"]> => {
  const action = firstAction(e.suggested_actions)
  return { category: e.category, code: e.code, message: e.message, ...(action !== undefined ? { suggestedAction: action } : {}) }
}

/** API run (snake_case, links) → the core's RunRecord, so `--json` prints the same shape in both modes. */
export const runFromWire = (w: Wire): RunRecord => ({
  id: w.id,
  toolId: w.tool_id,
  toolVersion: w.tool_version,
  name: w.name ?? null,
  owner: w.owner ?? null,
  status: w.status as RunStatus,
  params: w.params ?? {},
  inputs: (w.inputs ?? []).map((i: Wire) => ({
    name: i.name,
    size: i.size,
    sha256: i.sha256 ?? null,
    ref: (i.type === "upload" ? { type: "artifact", id: i.value } : { type: "path", path: i.value }) as InputRef
  })),
  createdAt: w.created_at,
  startedAt: w.started_at ?? null,
  finishedAt: w.finished_at ?? null,
  timeoutMs: w.timeout_ms,
  progress: w.progress ? { fraction: w.progress.fraction, ...(w.progress.note ? { note: w.progress.note } : {}) } : null,
  error: w.error ? runErrorFromWire(w.error) : null,
  summary: w.summary ?? null,
  artifactIds: w.artifact_ids ?? []
})

/** API artifact metadata → the CLI's artifact view. */
export const artifactFromWire = (w: Wire): ArtifactView => ({
  id: w.id,
  runId: w.run_id ?? null,
  name: w.name,
  size: w.size,
  sha256: w.sha256,
  contentType: w.content_type,
  createdAt: w.created_at,
  partial: w.partial === true
})

/** API event (logs page item or SSE data) → the core's RunEvent. */
export const eventFromWire = (runId: string, w: Wire): RunEvent => {
  const base = { runId, seq: Number(w.seq), time: String(w.time) }
  switch (w.type) {
    case "log":
      return {
        ...base,
        type: "log",
        level: w.level as LogLevel,
        source: w.source ?? "tool",
        message: String(w.message),
        ...(w.data && typeof w.data === "object" ? { data: w.data as LogData } : {})
      }
    case "progress":
      return { ...base, type: "progress", fraction: Number(w.fraction), ...(w.note ? { note: String(w.note) } : {}) }
    case "status":
      return { ...base, type: "status", status: w.status as RunStatus }
    default:
      return { ...base, type: "end", status: w.status as RunStatus }
  }
}

/** API tool description → the core's ToolInfo. */
export const toolFromWire = (w: Wire): ToolInfo => ({
  id: w.id,
  name: w.name ?? w.id,
  description: w.description ?? "",
  category: w.category,
  version: w.version ?? "",
  paramsJsonSchema: w.params_schema ?? {},
  inputs: (w.inputs ?? []) as ReadonlyArray<ToolInputSpec>,
  outputs: (w.outputs ?? []).map((o: Wire) => ({
    name: o.name,
    contentType: o.content_type,
    description: o.description ?? ""
  })) as ReadonlyArray<ToolOutputSpec>,
  defaultTimeoutMs: w.default_timeout_ms ?? 0,
  requiresHardware: w.requires_hardware === true,
  ...(Array.isArray(w.sources) ? { sources: w.sources } : {})
})
