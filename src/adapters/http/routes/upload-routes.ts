import { checkUploadName, storeUpload } from "../../../core/artifacts/uploads.js"
import { assertContentLength, limitedBody } from "../request-body.js"
import { defineApiRoute, type ApiContext, type ApiRoute } from "../route-kit.js"
import { artifactToWire } from "../wire.js"

/** The upload's file name as sent: `?name=`, else the `filename` of a Content-Disposition header (checked by the core). */
const uploadName = (ctx: ApiContext): string => {
  const fromQuery = ctx.event.url.searchParams.get("name")
  const disposition = ctx.event.req.headers.get("content-disposition") ?? ""
  const fromHeader = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1]
  let name = fromQuery ?? fromHeader ?? ""
  try {
    if (fromQuery === null && fromHeader !== undefined) name = decodeURIComponent(name)
  } catch {}
  return name
}

/** Counts the bytes that pass through. */
async function* counted(body: AsyncIterable<Uint8Array>, count: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    count(chunk.byteLength)
    yield chunk
  }
}

const upload = async (ctx: ApiContext) => {
  const req = ctx.event.req
  const name = await ctx.core(checkUploadName(uploadName(ctx)))
  assertContentLength(req, ctx.settings.maxUploadBytes, "upload")
  let received = 0
  const body = counted(limitedBody(ctx.event, ctx.settings.maxUploadBytes, "upload"), n => void (received += n))
  const meta = await ctx.core(storeUpload({ name, declaredContentType: req.headers.get("content-type"), owner: ctx.principal.id }, body))
  ctx.metrics.uploadBytesReceived(received)
  const wire = { ...artifactToWire(meta, ctx.baseUrl), input: { type: "upload", value: meta.id } }
  return new Response(JSON.stringify(wire), { status: 201, headers: { "content-type": "application/json", location: wire.urls.self } })
}

/** POST /v1/uploads: a raw byte body streamed into the store (size-limited, sha256 computed while writing; content type sniffed or declared). */
export const uploadRoutes: ReadonlyArray<ApiRoute> = [
  defineApiRoute({
    method: "POST",
    path: "/v1/uploads",
    operationId: "createUpload",
    summary: 'Store a file (raw request body) for use as a run input: {type: "upload", value: <id>}. Size-limited by CTS_MAX_UPLOAD_BYTES.',
    tag: "uploads",
    auth: "required",
    query: [{ name: "name", description: "The file's base name (required unless a Content-Disposition filename is sent).", schema: { type: "string" } }],
    requestBody: { contentType: "application/octet-stream", schema: { type: "string", format: "binary" } },
    responses: {
      201: { description: "The stored upload's metadata (size, sha256) and the input to use in POST /v1/runs." },
      413: { description: "Larger than CTS_MAX_UPLOAD_BYTES." },
      422: { description: "Missing or unsafe file name." }
    },
    handler: upload
  })
]
