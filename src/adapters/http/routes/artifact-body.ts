import { Effect, Stream } from "effect"
import { ArtifactStore, type ArtifactMeta } from "../../../core/artifacts/artifact-store.js"
import type { CtsError } from "../../../core/errors.js"
import { ApiError } from "../api-error.js"
import { parseRange } from "../byte-range.js"
import type { ApiContext } from "../route-kit.js"

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / 5987). */
export const contentDisposition = (name: string): string => {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_")
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`
}

/** Headers that keep a served file from being rendered or sniffed as something else. */
export const downloadSafetyHeaders = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; sandbox"
} as const

/** Turns a core byte stream into a web stream, counting bytes as they leave. */
export const toWebStream = async (
  ctx: ApiContext,
  body: Stream.Stream<Uint8Array, CtsError>,
  onBytes: (bytes: number) => void
): Promise<ReadableStream<Uint8Array>> => {
  const runtime = await ctx.runtime.runtime()
  const counted = Stream.mapChunks(body, (chunk) => {
    let n = 0
    for (const c of chunk) n += c.byteLength
    onBytes(n)
    return chunk
  })
  return Stream.toReadableStreamRuntime(counted, runtime as never)
}

/** Streams an artifact the caller may read: ETag = sha256, conditional GET, single byte ranges. */
export const serveArtifact = async (ctx: ApiContext, meta: ArtifactMeta, kind: "download" | "file"): Promise<Response> => {
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
  if (inm !== null && inm.split(",").some((t) => t.trim() === etag || t.trim() === `W/${etag}` || t.trim() === "*")) {
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
  const { body } = await ctx.core(
    Effect.flatMap(ArtifactStore, (s) => s.get(meta.id, partial ? { start: range.start, end: range.end } : undefined))
  )
  const stream = await toWebStream(ctx, body, (n) => ctx.metrics.artifactBytesSent(kind, n))
  if (partial) {
    headers["content-range"] = `bytes ${range.start}-${range.end}/${meta.size}`
    headers["content-length"] = String(range.end - range.start + 1)
    return new Response(stream, { status: 206, headers })
  }
  headers["content-length"] = String(meta.size)
  return new Response(meta.size === 0 ? null : stream, { status: 200, headers })
}
