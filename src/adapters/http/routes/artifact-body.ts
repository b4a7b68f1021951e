import { pipeline, Readable, Transform } from "node:stream"
import { Effect, Stream } from "effect"
import { HTTPResponse } from "h3"
import { ArtifactStore, type ArtifactMeta } from "../../../core/artifacts/artifact-store.js"
import type { CtsError } from "../../../core/errors.js"
import { ApiError } from "../api-error.js"
import { parseRange } from "../byte-range.js"
import type { ApiContext } from "../route-kit.js"

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / 5987). */
export const contentDisposition = (name: string): string => {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_")
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`
}

/** Headers that keep a served file from being rendered or sniffed as something else. */
export const downloadSafetyHeaders = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; sandbox"
} as const

/**
 * A core byte stream as a response body, counting bytes as they leave: on Node a Readable the host
 * pipes straight to the socket, elsewhere a web ReadableStream. Pull-based either way: a slow client
 * slows the file reads, nothing is buffered whole.
 */
export const toBody = async (
  ctx: ApiContext,
  body: Stream.Stream<Uint8Array, CtsError>,
  onBytes: (bytes: number) => void
): Promise<ReadableStream<Uint8Array> | Readable> => {
  const runtime = await ctx.runtime.runtime()
  const counted = Stream.mapChunks(body, chunk => {
    let n = 0
    for (const c of chunk) n += c.byteLength
    onBytes(n)
    return chunk
  })
  if (ctx.event.runtime?.node === undefined) return Stream.toReadableStreamRuntime(counted, runtime)
  return Readable.from(coalesce(Stream.toAsyncIterableRuntime(counted, runtime), SOCKET_WRITE_BYTES), { objectMode: false, highWaterMark: SOCKET_WRITE_BYTES })
}

const SOCKET_WRITE_BYTES = 1024 * 1024

/**
 * A store's Node byte stream as a response body, counting bytes as they pass: on Node piped by the
 * host straight to the socket, elsewhere as a web ReadableStream. A client that goes away destroys
 * the chain, which closes the file.
 */
export const nodeToBody = (ctx: ApiContext, body: Readable, onBytes: (bytes: number) => void): ReadableStream<Uint8Array> | Readable => {
  const counted = new Transform({
    highWaterMark: SOCKET_WRITE_BYTES,
    transform: (chunk: Buffer, _encoding, done) => {
      onBytes(chunk.byteLength)
      done(null, chunk)
    }
  })
  pipeline(body, counted, () => undefined)
  return ctx.event.runtime?.node === undefined ? (Readable.toWeb(counted) as ReadableStream<Uint8Array>) : counted
}

/** Joins small chunks into writes of about `size` bytes: one socket write per MiB instead of one per store read. */
async function* coalesce(chunks: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let parts: Array<Uint8Array> = []
  let bytes = 0
  for await (const chunk of chunks) {
    parts.push(chunk)
    bytes += chunk.byteLength
    if (bytes >= size) {
      yield parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes)
      parts = []
      bytes = 0
    }
  }
  if (bytes > 0) yield parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes)
}

/** A Response (web body) or an HTTPResponse (Node body) with the given status and headers. */
export const bodyResponse = (body: ReadableStream<Uint8Array> | Readable | null, status: number, headers: Record<string, string>): Response | HTTPResponse =>
  body instanceof Readable ? new HTTPResponse(body as unknown as BodyInit, { status, headers }) : new Response(body, { status, headers })

/** Streams an artifact the caller may read: ETag = sha256, conditional GET, single byte ranges. */
export const serveArtifact = async (ctx: ApiContext, meta: ArtifactMeta, kind: "download" | "file"): Promise<Response | HTTPResponse> => {
  const req = ctx.event.req
  const etag = `"${meta.sha256}"`
  const headers: Record<string, string> = {
    etag,
    "accept-ranges": "bytes",
    "content-type": meta.contentType,
    "content-disposition": contentDisposition(meta.name),
    "cache-control": "private, no-cache",
    ...downloadSafetyHeaders
  }
  const inm = req.headers.get("if-none-match")
  if (inm?.split(",").some(t => t.trim() === etag || t.trim() === `W/${etag}` || t.trim() === "*")) {
    return new Response(null, { status: 304, headers })
  }
  const ifRange = req.headers.get("if-range")
  const range = ifRange !== null && ifRange.trim() !== etag ? { kind: "full" as const } : parseRange(req.headers.get("range"), meta.size)
  if (range.kind === "unsatisfiable") {
    throw new ApiError(416, "range_not_satisfiable", `The requested range is outside the artifact's ${meta.size} bytes.`, {
      details: { size: meta.size },
      headers: { "content-range": `bytes */${meta.size}` },
      suggestedAction: "Ask for a range within the artifact's size."
    })
  }
  const partial = range.kind === "partial"
  const wanted = partial ? { start: range.start, end: range.end } : undefined
  const onBytes = (n: number) => ctx.metrics.artifactBytesSent(kind, n)
  const stream = await ctx.core(
    Effect.flatMap(ArtifactStore, s =>
      s.openRead
        ? Effect.map(s.openRead(meta.id, wanted), ({ body }) => nodeToBody(ctx, body, onBytes))
        : Effect.flatMap(s.get(meta.id, wanted), ({ body }) => Effect.promise(() => toBody(ctx, body, onBytes)))
    )
  )
  if (partial) {
    headers["content-range"] = `bytes ${range.start}-${range.end}/${meta.size}`
    headers["content-length"] = String(range.end - range.start + 1)
    return bodyResponse(stream, 206, headers)
  }
  headers["content-length"] = String(meta.size)
  return bodyResponse(stream, 200, headers)
}
