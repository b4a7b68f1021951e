/**
 * Parses a CSV produced by `csvChunks` (or any RFC 4180 CSV) into `#` meta lines, the header and
 * rows of strings. Test-side reader of the tools' CSV artifacts; not a streaming reader.
 */
export const parseCsvText = (text: string): { readonly meta: Record<string, string>; readonly header: string[]; readonly rows: string[][] } => {
  const meta: Record<string, string> = {}
  const records: string[][] = []
  let i = 0
  const n = text.length
  while (i < n) {
    if (text[i] === "#" && records.length === 0) {
      const end = text.indexOf("\n", i)
      const line = text.slice(i + 1, end < 0 ? n : end).trim()
      const colon = line.indexOf(":")
      if (colon > 0) meta[line.slice(0, colon).trim()] = line.slice(colon + 1).trim()
      i = end < 0 ? n : end + 1
      continue
    }
    const record: string[] = []
    let field = ""
    let quoted = false
    for (; i < n; i++) {
      const c = text[i]
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') {
          field += '"'
          i++
        } else if (c === '"') quoted = false
        else field += c
      } else if (c === '"') quoted = true
      else if (c === ",") {
        record.push(field)
        field = ""
      } else if (c === "\n" || c === "\r") {
        if (c === "\r" && text[i + 1] === "\n") i++
        i++
        break
      } else field += c
    }
    record.push(field)
    records.push(record)
  }
  const [header = [], ...rows] = records
  return { meta, header, rows }
}
