/** A byte stream: any async iterable of chunks, or a web ReadableStream. */
export type ByteSource = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>

/**
 * What `openLog` reads: one log file's bytes, or an array of them — a route's segments, read in order
 * as one log (each segment is sniffed and decompressed on its own).
 */
export type LogSource = ByteSource | ReadonlyArray<ByteSource>

const isByteSource = (u: unknown): u is ByteSource =>
  typeof u === "object" && u !== null && (Symbol.asyncIterator in u || typeof (u as ReadableStream).getReader === "function")

/** The segments of a source, in reading order. */
export const sourceSegments = (source: LogSource): ReadonlyArray<ByteSource> => (isByteSource(source) ? [source] : source)

/** Iterates a segment's chunks; a ReadableStream is read through its reader and canceled on early exit. */
export async function* readChunks(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (Symbol.asyncIterator in source) {
    yield* source as AsyncIterable<Uint8Array>
    return
  }
  const reader = (source as ReadableStream<Uint8Array>).getReader()
  let done = false
  try {
    for (;;) {
      const r = await reader.read()
      if (r.done) {
        done = true
        return
      }
      yield r.value
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined)
    reader.releaseLock()
  }
}
