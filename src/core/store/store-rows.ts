import type { ArtifactMeta } from "../../model/artifact.js"
import type { RunRecord } from "../../model/run.js"
import type { RunEvent } from "../../model/run-event.js"

/** A `runs` table row as SQLite returns it (PostgreSQL returns its BIGINT columns as strings, hence `Number` below). */
export interface RunRow {
  readonly id: string
  readonly tool_id: string
  readonly tool_version: string
  readonly name: string | null
  readonly owner: string | null
  readonly status: RunRecord["status"]
  readonly params: string
  readonly inputs: string
  readonly created_at: string
  readonly started_at: string | null
  readonly finished_at: string | null
  readonly timeout_ms: number
  readonly progress: string | null
  readonly error: string | null
  readonly summary: string | null
  readonly host: string
}

/** An `artifacts` table row. */
export interface ArtifactRow {
  readonly id: string
  readonly key: string
  readonly run_id: string | null
  readonly name: string
  readonly size: number
  readonly sha256: string
  readonly content_type: string
  readonly created_at: string
  readonly partial: number
  readonly metadata: string | null
}

/** A `run_events` table row. */
export interface EventRow {
  readonly run_id: string
  readonly seq: number
  readonly time: string
  readonly type: RunEvent["type"]
  readonly body: string
}

const parse = <A>(text: string | null): A | null => (text === null ? null : (JSON.parse(text) as A))

export const runFromRow = (row: RunRow, artifactIds: ReadonlyArray<string>): RunRecord => ({
  id: row.id,
  toolId: row.tool_id,
  toolVersion: row.tool_version,
  name: row.name,
  owner: row.owner,
  status: row.status,
  params: parse<Record<string, unknown>>(row.params) ?? {},
  inputs: parse<RunRecord["inputs"]>(row.inputs) ?? [],
  createdAt: row.created_at,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  timeoutMs: Number(row.timeout_ms),
  progress: parse<RunRecord["progress"]>(row.progress),
  error: parse<RunRecord["error"]>(row.error),
  summary: parse<RunRecord["summary"]>(row.summary),
  artifactIds
})

export const artifactFromRow = (row: ArtifactRow): ArtifactMeta => {
  const metadata = parse<Record<string, unknown>>(row.metadata)
  return {
    id: row.id,
    key: row.key,
    runId: row.run_id,
    name: row.name,
    size: Number(row.size),
    sha256: row.sha256,
    contentType: row.content_type,
    createdAt: row.created_at,
    ...(row.partial ? { partial: true } : {}),
    ...(metadata ? { metadata } : {})
  }
}

export const eventFromRow = (row: EventRow): RunEvent =>
  ({ ...(JSON.parse(row.body) as object), type: row.type, runId: row.run_id, seq: row.seq, time: row.time }) as RunEvent

/** The event fields not stored in their own column. */
export const eventBody = (event: RunEvent): string => {
  const { type: _t, runId: _r, seq: _s, time: _time, ...rest } = event
  return JSON.stringify(rest)
}

/** JSON text of a value for a TEXT column; bigints become strings, values JSON cannot represent become null. */
export const json = (value: unknown): string | null => {
  if (value === null || value === undefined) return null
  try {
    return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v)) ?? null
  } catch {
    return null
  }
}
