import { ValidationError } from "../errors.js"

/** One CSV record and the (1-based) line it starts on. */
export interface CsvRecord {
  readonly line: number
  readonly fields: string[]
}

/** Bytes or text, as files, HTTP bodies and tests hand them over. */
export type TextSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>

const splitQuoted = (text: string): string[] => {
  const fields: string[] = []
  let field = ""
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c !== '"') field += c
      else if (text[i + 1] === '"') {
        field += '"'
        i++
      } else quoted = false
    } else if (c === ",") {
      fields.push(field)
      field = ""
    } else if (c === '"') quoted = true
    else field += c
  }
  fields.push(field)
  return fields
}

const countQuotes = (text: string): number => {
  let n = 0
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++
  return n
}

/**
 * Splits a text stream into CSV records, one array per input chunk (an empty array is never
 * yielded). Handles LF and CRLF, lines and UTF-8 sequences split across chunks, a leading BOM, and
 * RFC 4180 quoted fields (doubled quotes, commas and line breaks inside quotes). Fails with a
 * ValidationError (`bad_csv`) on bytes that are not UTF-8 or a quote left open at the end.
 */
export async function* readCsvRecords(source: TextSource): AsyncGenerator<CsvRecord[]> {
  const decoder = new TextDecoder("utf-8", { fatal: true })
  let pending = ""
  let lineNo = 0
  const state: { open: { line: number; text: string; quotes: number } | null } = { open: null }
  let first = true

  const takeLine = (raw: string, out: CsvRecord[]) => {
    lineNo++
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw
    const quotes = line.indexOf('"') < 0 ? 0 : countQuotes(line)
    let open = state.open
    if (open) {
      open.text += "\n" + line
      open.quotes += quotes
    } else if (quotes === 0) {
      out.push({ line: lineNo, fields: line.split(",") })
      return
    } else open = state.open = { line: lineNo, text: line, quotes }
    if (open.quotes % 2 === 0) {
      out.push({ line: open.line, fields: splitQuoted(open.text) })
      state.open = null
    }
  }

  const decode = (chunk: Uint8Array | string, stream: boolean): string => {
    if (typeof chunk === "string") return chunk
    try {
      return decoder.decode(chunk, { stream })
    } catch {
      throw new ValidationError({
        code: "bad_csv",
        message: `CSV input is not UTF-8 text (near line ${lineNo + 1}).`,
        suggestedAction: "Pass a CAN CSV file (text), not a binary file such as an rlog.",
        details: { line: lineNo + 1 }
      })
    }
  }

  const process = (text: string): CsvRecord[] => {
    const out: CsvRecord[] = []
    let all = pending + text
    if (first && all.length > 0) {
      if (all.charCodeAt(0) === 0xfeff) all = all.slice(1)
      first = false
    }
    let pos = 0
    for (let nl = all.indexOf("\n"); nl >= 0; nl = all.indexOf("\n", pos)) {
      takeLine(all.slice(pos, nl), out)
      pos = nl + 1
    }
    pending = all.slice(pos)
    return out
  }

  for await (const chunk of source) {
    const records = process(decode(chunk, true))
    if (records.length > 0) yield records
  }
  const tail = process(decode(new Uint8Array(0), false))
  if (pending.length > 0) {
    takeLine(pending, tail)
    pending = ""
  }
  if (state.open) {
    throw new ValidationError({
      code: "bad_csv",
      message: `CSV line ${state.open.line}: a quoted field is never closed.`,
      suggestedAction: "Close the quote or remove the stray '\"' character.",
      details: { line: state.open.line }
    })
  }
  if (tail.length > 0) yield tail
}
