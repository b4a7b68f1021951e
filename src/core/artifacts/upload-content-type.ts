import { classifyHead, KIND_SNIFF_BYTES, readHeadOf, type SniffedKind } from "../tools/shared/input-kind.js"

const sniffed: Partial<Record<SniffedKind, string>> = {
  "rlog-zstd": "application/zstd",
  "rlog-bz2": "application/x-bzip2",
  "can-csv": "text/csv",
  dbc: "text/x-dbc"
}

/** Types a client may not declare for stored bytes: form encodings (curl's default) and content a browser would run. */
const refused =
  /^(multipart\/|application\/x-www-form-urlencoded$|text\/html$|application\/xhtml\+xml$|image\/svg\+xml$|text\/xml$|application\/xml$|text\/javascript$|application\/javascript$|application\/ecmascript$)/

/** A declared `Content-Type` reduced to its lower-case `type/subtype`, or null when it is absent, malformed or refused. */
export const saneContentType = (declared: string | null): string | null => {
  const essence = (declared ?? "").split(";")[0]!.trim().toLowerCase()
  if (!/^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(essence)) return null
  return refused.test(essence) ? null : essence
}

/**
 * The content type an upload is stored with: what its first bytes are (zstd, bz2, CAN CSV, DBC),
 * text named `*.csv` is `text/csv`; else the request's own Content-Type when sane, else `text/plain` for text
 * and `application/octet-stream` otherwise.
 */
export const uploadContentType = (head: Uint8Array, declared: string | null, name: string): string => {
  const kind = classifyHead(head)
  if (kind === "text" && /\.csv$/i.test(name)) return "text/csv"
  return sniffed[kind] ?? saneContentType(declared) ?? (kind === "text" ? "text/plain" : "application/octet-stream")
}

/** Reads the first `bytes` of `source` and returns them with an iterable yielding the whole body (those bytes included). */
export const peekHead = async (
  source: AsyncIterable<Uint8Array>,
  bytes = KIND_SNIFF_BYTES
): Promise<{ readonly head: Uint8Array; readonly body: AsyncIterable<Uint8Array> }> => {
  const it = source[Symbol.asyncIterator]()
  const { chunks, ended, head } = await readHeadOf(it, bytes)
  async function* body(): AsyncGenerator<Uint8Array> {
    yield* chunks
    if (ended) return
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value
  }
  return { head, body: { [Symbol.asyncIterator]: body } }
}
