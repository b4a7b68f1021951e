import type { H3Event } from "h3"
import { ValidationError } from "../../core/errors.js"
import { ApiError } from "./api-error.js"
import { jsonDepthExceeds, MAX_JSON_DEPTH } from "./json-depth.js"
import { pacedBody, type BodyPace } from "./body-pace.js"

/** Pace used when the app has not set one on the request (`event.context.bodyPace`). */
const DEFAULT_BODY_PACE: BodyPace = { windowMs: 30_000, minBytes: 16 * 1024 }

const tooLarge = (what: string, limit: number) =>
  new ValidationError({
    code: "payload_too_large",
    message: `The ${what} is larger than the server's limit of ${limit} bytes.`,
    suggestedAction:
      what === "upload" ? "Upload a smaller file, or raise CTS_MAX_UPLOAD_BYTES on the server." : "Send a smaller request body (CTS_MAX_JSON_BYTES).",
    details: { limit_bytes: limit }
  })

/** Rejects up front when an honest `Content-Length` already exceeds `limit`. */
export const assertContentLength = (req: Request, limit: number, what: string): void => {
  const length = req.headers.get("content-length")
  if (length !== null && /^\d+$/.test(length) && Number(length) > limit) throw tooLarge(what, limit)
}

/**
 * The request body as chunks, failing with a 413 validation error as soon as more than `limit` bytes arrive,
 * and with a 408 (`request_body_timeout`) when it trickles slower than the request's body pace.
 * On Node the socket stream is read directly (leaving the rest to be discarded when the response ends);
 * elsewhere the web body stream is read.
 */
export async function* limitedBody(event: H3Event, limit: number, what: string): AsyncGenerator<Uint8Array> {
  const req = event.req
  assertContentLength(req, limit, what)
  const node = event.runtime?.node?.req as (AsyncIterable<Buffer> & { iterator?: (o: { destroyOnReturn: boolean }) => AsyncIterable<Buffer> }) | undefined
  const chunks: AsyncIterable<Uint8Array> | null = node?.iterator
    ? node.iterator({ destroyOnReturn: false })
    : (req.body as unknown as AsyncIterable<Uint8Array> | null)
  if (!chunks) return
  let total = 0
  const pace = (event.context as { bodyPace?: BodyPace }).bodyPace ?? DEFAULT_BODY_PACE
  for await (const chunk of pacedBody(chunks, pace, what)) {
    total += chunk.byteLength
    if (total > limit) throw tooLarge(what, limit)
    yield chunk
  }
}

/** Reads a JSON body of at most `limit` bytes; wrong content type → 415, bad JSON → 400. */
export const readJsonBody = async (event: H3Event, limit: number): Promise<unknown> => {
  const type = event.req.headers.get("content-type")
  if (type !== null && !/^application\/([\w.+-]+\+)?json\b/i.test(type.trim())) {
    throw new ApiError(415, "unsupported_media_type", `Expected a JSON body (application/json), got "${type}".`, {
      suggestedAction: "Send the body as JSON with `Content-Type: application/json`."
    })
  }
  const chunks: Uint8Array[] = []
  for await (const chunk of limitedBody(event, limit, "JSON request body")) chunks.push(chunk)
  const text = Buffer.concat(chunks).toString("utf8")
  if (text.trim() === "")
    throw new ApiError(400, "malformed_json", "The request body is empty; a JSON object was expected.", { suggestedAction: "Send a JSON object." })
  if (jsonDepthExceeds(text)) {
    throw new ApiError(400, "json_too_deep", `The request body nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep.`, {
      suggestedAction: "Send the flat JSON object the endpoint documents (see GET /v1/openapi.json).",
      details: { max_depth: MAX_JSON_DEPTH }
    })
  }
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new ApiError(400, "malformed_json", `The request body is not valid JSON: ${(cause as Error).message}.`, {
      suggestedAction: "Fix the JSON syntax of the body.",
      details: { body_bytes: Buffer.byteLength(text) }
    })
  }
}
