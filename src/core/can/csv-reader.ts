import { ValidationError } from "../errors.js"
import { MAX_CAN_ADDRESS, MAX_PAYLOAD_BYTES } from "./bit-spec.js"
import { makeCanFrame, type CanFrame } from "./can-frame.js"
import { CABANA_CSV_HEADER, OLD_TOOLS_CSV_HEADER, parseSecondsToNs, type CanCsvDialect, type OldToolsSegment } from "./csv-format.js"
import { readCsvRecords, type CsvRecord, type TextSource } from "./csv-lines.js"
import { parseHexBytes } from "./hex.js"

/** A frame read from a CAN CSV. The CSV's `bus` column is the raw `src` (128 = TX echo of bus 0). */
export interface CsvFrame extends CanFrame {
  /** Old-tools dialect: the window id column. */
  readonly window?: string
  /** Old-tools dialect: pre / window / post. */
  readonly segment?: OldToolsSegment
}

/** What the header said. */
export interface CanCsvHeader {
  readonly dialect: CanCsvDialect
  /** Column names as written (trimmed). */
  readonly columns: ReadonlyArray<string>
  readonly line: number
}

export interface ReadCanCsvOptions {
  /** Frames per yielded batch (default 8192). */
  readonly batchSize?: number
  /** Require this dialect; otherwise it is sniffed from the header. */
  readonly dialect?: CanCsvDialect
  /** Called once when the header has been read. */
  readonly onHeader?: (header: CanCsvHeader) => void
}

interface Layout {
  readonly dialect: CanCsvDialect
  readonly count: number
  readonly time: number
  readonly address: number
  readonly bus: number
  readonly data: number
  readonly window: number
  readonly segment: number
}

const ACCEPTED_HEADERS = `"${OLD_TOOLS_CSV_HEADER}" (old tools) or "${CABANA_CSV_HEADER}" (cabana)`

const headerError = (line: number, text: string, why: string) =>
  new ValidationError({
    code: "bad_csv_header",
    message: `CSV line ${line}: ${why}; header "${text}". Expected ${ACCEPTED_HEADERS}.`,
    suggestedAction: "Give a CAN CSV written by rlog-to-csv, the old comma-tools or cabana's export.",
    details: { line, text }
  })

/** Recognises a dialect from header column names; undefined when neither fits. */
export const detectCanCsvDialect = (columns: ReadonlyArray<string>): CanCsvDialect | undefined => {
  const names = new Set(columns.map(c => c.trim().toLowerCase()))
  if (names.has("timestamp") && names.has("address") && names.has("data_hex")) return "old-tools"
  if (names.has("time") && names.has("addr") && names.has("data")) return "cabana"
  return undefined
}

const layoutOf = (record: CsvRecord, forced: CanCsvDialect | undefined): Layout => {
  const text = record.fields.join(",")
  const names = record.fields.map(c => c.trim().toLowerCase())
  const dialect = detectCanCsvDialect(names)
  if (!dialect) throw headerError(record.line, text, "not a CAN CSV header")
  if (forced && forced !== dialect) throw headerError(record.line, text, `expected the ${forced} dialect, found ${dialect}`)
  if (new Set(names).size !== names.length) throw headerError(record.line, text, "a column name repeats")
  if (!names.includes("bus")) throw headerError(record.line, text, "no bus column (buses must never be merged)")
  const old = dialect === "old-tools"
  return {
    dialect,
    count: names.length,
    time: names.indexOf(old ? "timestamp" : "time"),
    address: names.indexOf(old ? "address" : "addr"),
    bus: names.indexOf("bus"),
    data: names.indexOf(old ? "data_hex" : "data"),
    window: old ? names.indexOf("window") : -1,
    segment: old ? names.indexOf("segment") : -1
  }
}

const rowError = (line: number, column: string, value: string, expected: string) =>
  new ValidationError({
    code: "bad_csv_row",
    message: `CSV line ${line}: bad ${column} "${value}" (expected ${expected}).`,
    suggestedAction: `Fix or remove line ${line} of the CSV.`,
    details: { line, column, value }
  })

const parseAddress = (text: string): number | undefined => {
  const s = text.trim()
  let value: number
  if (/^0[xX][0-9a-fA-F]{1,8}$/.test(s)) value = parseInt(s.slice(2), 16)
  else if (/^\d{1,10}$/.test(s)) value = Number(s)
  else if (/^[0-9a-fA-F]{1,8}$/.test(s)) value = parseInt(s, 16)
  else return undefined
  return value <= MAX_CAN_ADDRESS ? value : undefined
}

const SEGMENTS = new Set(["pre", "window", "post"])

const frameOf = (record: CsvRecord, layout: Layout): CsvFrame => {
  const f = record.fields
  const line = record.line
  if (f.length !== layout.count) {
    throw new ValidationError({
      code: "bad_csv_row",
      message: `CSV line ${line}: ${f.length} fields, the header has ${layout.count}.`,
      suggestedAction: `Fix or remove line ${line} of the CSV.`,
      details: { line, fields: f.length, expected: layout.count }
    })
  }
  const timeNs = parseSecondsToNs(f[layout.time])
  if (timeNs === undefined || !Number.isSafeInteger(timeNs)) {
    throw rowError(line, "time", f[layout.time], "seconds such as 46408.590000000")
  }
  const address = parseAddress(f[layout.address])
  if (address === undefined) throw rowError(line, "address", f[layout.address], "0x-prefixed hex up to 0x1FFFFFFF, or decimal")
  const busText = f[layout.bus].trim()
  const src = /^\d{1,3}$/.test(busText) ? Number(busText) : 256
  if (src > 255) throw rowError(line, "bus", f[layout.bus], "an integer 0–255 (the raw src)")
  const data = parseHexBytes(f[layout.data])
  if (data === undefined || data.length > MAX_PAYLOAD_BYTES) {
    throw rowError(line, "data", f[layout.data], "an even number of hex digits, at most 64 bytes")
  }
  const frame = makeCanFrame(timeNs, src, address, data)
  if (layout.dialect === "cabana") return frame
  const segment = layout.segment >= 0 ? f[layout.segment].trim().toLowerCase() : undefined
  if (segment !== undefined && !SEGMENTS.has(segment)) throw rowError(line, "segment", f[layout.segment], "pre, window or post")
  return {
    ...frame,
    ...(layout.window >= 0 ? { window: f[layout.window].trim() } : {}),
    ...(segment !== undefined ? { segment: segment as OldToolsSegment } : {})
  }
}

const isBlank = (r: CsvRecord) => r.fields.length === 1 && r.fields[0].trim() === ""

/**
 * Reads a CAN CSV in either dialect (sniffed from the header) as batches of frames, streaming:
 * constant memory apart from the batch. Lines starting with `#` before the header are skipped,
 * blank lines anywhere. Fails with a ValidationError (`bad_csv_header`, `bad_csv_row`, `bad_csv`)
 * naming the line; an input without a header fails with `bad_csv_header`.
 */
export async function* readCanCsv(source: TextSource, options: ReadCanCsvOptions = {}): AsyncGenerator<CsvFrame[]> {
  const batchSize = Math.max(1, options.batchSize ?? 8192)
  let layout: Layout | undefined
  let batch: CsvFrame[] = []
  for await (const records of readCsvRecords(source)) {
    for (const record of records) {
      if (isBlank(record)) continue
      if (!layout) {
        if (record.fields[0].trimStart().startsWith("#")) continue
        layout = layoutOf(record, options.dialect)
        options.onHeader?.({ dialect: layout.dialect, columns: record.fields.map(c => c.trim()), line: record.line })
        continue
      }
      batch.push(frameOf(record, layout))
      if (batch.length === batchSize) {
        yield batch
        batch = []
      }
    }
  }
  if (!layout) throw headerError(1, "", "the input has no header line")
  if (batch.length > 0) yield batch
}
