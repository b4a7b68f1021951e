import { csvField, quoteCsvField } from "../../can/csv-format.js"

/** One CSV cell: empty for null/undefined/non-finite, RFC 4180 quoting when needed. */
export const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return ""
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : ""
  if (typeof value === "boolean") return value ? "true" : "false"
  const text = typeof value === "string" ? value : JSON.stringify(value)
  return text !== text.trim() ? quoteCsvField(text) : csvField(text)
}

/** One CSV line (with trailing newline) from cell values. */
export const csvLine = (cells: ReadonlyArray<unknown>): string => `${cells.map(csvCell).join(",")}\n`

const metaValue = (value: unknown): string => (typeof value === "string" ? value.replace(/[\r\n]+/g, " ") : JSON.stringify(value ?? null))

/**
 * The `#` metadata header of an analysis CSV: one `# key: value` line per entry (objects as JSON
 * on one line) and a final `# meta_json: {…}` line holding the whole object, machine-readable.
 */
export const csvMetaHeader = (meta: Readonly<Record<string, unknown>>): string => {
  const lines = Object.entries(meta).map(([k, v]) => `# ${k.replace(/[\r\n:]+/g, "_")}: ${metaValue(v)}\n`)
  lines.push(`# meta_json: ${JSON.stringify(meta)}\n`)
  return lines.join("")
}

/**
 * Streams a CSV: optional `#` metadata header, the column row, then one line per row object
 * (cells taken by column name). Chunks are batched to about 64 KiB.
 */
export async function* csvChunks(
  columns: ReadonlyArray<string>,
  rows: Iterable<Readonly<Record<string, unknown>>> | AsyncIterable<Readonly<Record<string, unknown>>>,
  meta?: Readonly<Record<string, unknown>>
): AsyncGenerator<string> {
  let buffer = (meta ? csvMetaHeader(meta) : "") + csvLine(columns)
  for await (const row of rows) {
    buffer += csvLine(columns.map(c => row[c]))
    if (buffer.length >= 65_536) {
      yield buffer
      buffer = ""
    }
  }
  if (buffer.length > 0) yield buffer
}
