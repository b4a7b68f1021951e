import { bytesToHex } from "./hex.js"

/** The two CAN CSV dialects users have. */
export type CanCsvDialect = "old-tools" | "cabana"

/** Columns of the old tools' CSV (rlog-to-csv → can-bitwatch). */
export const OLD_TOOLS_CSV_COLUMNS = ["window", "segment", "timestamp", "address", "bus", "data_hex"] as const
/** Columns of cabana's CSV export. */
export const CABANA_CSV_COLUMNS = ["time", "addr", "bus", "data"] as const

/** Header line of the old tools' CSV, without line break. */
export const OLD_TOOLS_CSV_HEADER = OLD_TOOLS_CSV_COLUMNS.join(",")
/** Header line of cabana's CSV, without line break. */
export const CABANA_CSV_HEADER = CABANA_CSV_COLUMNS.join(",")

/** The old tools' window labels (rows before, inside and after the marked window). */
export type OldToolsSegment = "pre" | "window" | "post"

/** What a CSV writer needs of a frame (a CanFrame has all of it). */
export interface CsvRowInput {
  /** Time in integer nanoseconds; written as seconds with 9 decimals. */
  readonly timeNs: number
  /** Raw source byte, written to the `bus` column unchanged (128 = TX echo of bus 0). */
  readonly src: number
  readonly address: number
  readonly data: Uint8Array
}

/** A row of the old tools' dialect. */
export interface OldToolsRowInput extends CsvRowInput {
  readonly segment: OldToolsSegment
  /** Window id; the old tools wrote "1" (one marked window per file), the default here. */
  readonly window?: string
}

/**
 * Seconds text from integer nanoseconds with no floating-point error: integer seconds, a dot and
 * exactly 9 fraction digits (`46408590000000` → `46408.590000000`, `-1` → `-0.000000001`).
 * Throws RangeError for a non-integer or unsafe value (a caller bug, never input data).
 */
export const formatNsAsSeconds = (ns: number): string => {
  if (!Number.isSafeInteger(ns)) throw new RangeError(`timeNs must be a safe integer, got ${ns}`)
  return formatNsAsDecimalSeconds(ns)
}

/**
 * Exact decimal seconds of a nanosecond count (integer arithmetic, no float rounding) with
 * `decimals` digits (0–9), truncated toward zero; a fractional count is truncated first, and no
 * value throws (for display: logs, summaries, analysis tables).
 * `formatNsAsDecimalSeconds(1_234_567_890, 6)` → `1.234567`.
 */
export const formatNsAsDecimalSeconds = (ns: number, decimals = 9): string => {
  const negative = ns < 0
  const abs = Math.abs(Math.trunc(ns))
  const whole = Math.floor(abs / 1e9)
  const frac = abs - whole * 1e9
  const padded = String(frac).padStart(9, "0")
  const digits = decimals >= 9 ? padded : padded.slice(0, Math.max(0, decimals))
  const text = digits.length > 0 ? `${whole}.${digits}` : `${whole}`
  return negative && abs !== 0 ? `-${text}` : text
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/

/**
 * Integer nanoseconds from seconds text. Plain decimals are converted digit by digit (exact; more
 * than 9 fraction digits round half up); exponent forms (`1e-3`) go through a float. Undefined if
 * the text is not a number.
 */
export const parseSecondsToNs = (text: string): number | undefined => {
  const s = text.trim()
  const m = DECIMAL.exec(s)
  if (m && (m[2].length > 0 || (m[3] !== undefined && m[3].length > 0))) {
    const whole = m[2].length > 0 ? Number(m[2]) : 0
    const digits = m[3] ?? ""
    let frac = digits.length > 0 ? Number(digits.slice(0, 9).padEnd(9, "0")) : 0
    if (digits.length > 9 && digits.charCodeAt(9) >= 53) frac += 1
    const ns = whole * 1e9 + frac
    return m[1] === "-" && ns !== 0 ? -ns : ns
  }
  if (s.length === 0 || !/^[+-]?[\d.]+[eE][+-]?\d+$/.test(s)) return undefined
  const value = Number(s)
  return Number.isFinite(value) ? Math.round(value * 1e9) : undefined
}

/** `0x` + uppercase hex, no padding (`0x2E4`). */
export const formatCanAddress = (address: number): string => `0x${address.toString(16).toUpperCase()}`

/** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
export const csvField = (value: string): string => (/[",\r\n]/.test(value) ? quoteCsvField(value) : value)

/** A field in double quotes, inner quotes doubled (RFC 4180). */
export const quoteCsvField = (value: string): string => `"${value.replace(/"/g, '""')}"`

/**
 * One row of the old tools' dialect, without line break:
 * `window,segment,timestamp,address,bus,data_hex` → `1,pre,0.010000000,0x2E4,0,08FFFB0000001884`.
 */
export const formatOldToolsRow = (row: OldToolsRowInput): string =>
  `${csvField(row.window ?? "1")},${row.segment},${formatNsAsSeconds(row.timeNs)},${formatCanAddress(row.address)},${row.src},${bytesToHex(row.data)}`

/**
 * One row of cabana's dialect, without line break: `time,addr,bus,data` →
 * `46408.590000000,0x2E4,0,0x08FFFB0000001884` (data carries cabana's `0x` prefix).
 */
export const formatCabanaRow = (row: CsvRowInput): string =>
  `${formatNsAsSeconds(row.timeNs)},${formatCanAddress(row.address)},${row.src},0x${bytesToHex(row.data)}`

/** Header line of a dialect, with its line break. */
export const canCsvHeaderLine = (dialect: CanCsvDialect): string => (dialect === "old-tools" ? OLD_TOOLS_CSV_HEADER : CABANA_CSV_HEADER) + "\n"

/** Many old-tools rows as one string, each ending in `\n` (no header). */
export const formatOldToolsRows = (rows: Iterable<OldToolsRowInput>): string => {
  let out = ""
  for (const row of rows) out += formatOldToolsRow(row) + "\n"
  return out
}

/** Many cabana rows as one string, each ending in `\n` (no header). */
export const formatCabanaRows = (rows: Iterable<CsvRowInput>): string => {
  let out = ""
  for (const row of rows) out += formatCabanaRow(row) + "\n"
  return out
}
