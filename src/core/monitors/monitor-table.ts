import type { LogData } from "../tools/define-tool.js"

/** A table cell: text, a number, a flag, or empty. */
export type TableCell = string | number | boolean | null

/**
 * A monitor's current state as a table. Monitors attach one to a log line as `data.table` whenever the
 * state is worth redrawing (a closed window, an age report, a change), so a follower on a terminal can
 * show it live; the message of the line says the same in words.
 */
export interface MonitorTable {
  readonly title: string
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<TableCell>>
}

/** The `data` of a log line carrying `table`. */
export const tableData = (table: MonitorTable): LogData => ({ table })

const isCell = (v: unknown): v is TableCell => v === null || ["string", "number", "boolean"].includes(typeof v)

/** The table a log line's `data` carries, when it is well-formed (data from a remote server is checked, not trusted). */
export const tableOfData = (data: unknown): MonitorTable | undefined => {
  const t = (data as { table?: unknown } | null | undefined)?.table as Partial<MonitorTable> | undefined
  if (!t || typeof t.title !== "string" || !Array.isArray(t.columns) || !Array.isArray(t.rows)) return undefined
  if (!t.columns.every(c => typeof c === "string")) return undefined
  if (!t.rows.every(r => Array.isArray(r) && r.every(isCell))) return undefined
  return t as MonitorTable
}
