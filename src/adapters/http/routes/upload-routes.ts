import { Effect, Stream } from "effect"
import { isSafeName } from "../../../core/artifacts/artifact-keys.js"
import { ArtifactStore } from "../../../core/artifacts/artifact-store.js"
import { isCtsError, ValidationError } from "../../../core/errors.js"
import { newId } from "../../../core/store/ids.js"
import { ApiError } from "../api-error.js"
import { assertContentLength, limitedBody } from "../request-body.js"
import { defineApiRoute, type ApiContext, type ApiRoute } from "../route-kit.js"
import { peekHead, uploadContentType } from "../upload-content-type.js"
import { artifactToWire } from "../wire.js"
import { UPLOAD_OWNER_KEY } from "./access.js"

/** The upload's file name: `?name=`, else the `filename` of a Content-Disposition header. */
const uploadName = (ctx: ApiContext): string => {
  const fromQuery = ctx.event.url.searchParams.get("name")
  const disposition = ctx.event.req.headers.get("content-disposition") ?? ""
  const fromHeader = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1]
  let name = fromQuery ?? fromHeader ?? ""
  try {
    if (fromQuery === null && fromHeader !== undefined) name = decodeURIComponent(name)
  } catch {}
  if (name === "") {
    throw new ApiError(422, "missing_upload_name", "The upload has no file name.", {
      suggestedAction: "Pass the file name as ?name=<file name> (or a Content-Disposition filename)."
    })
  }
  if (!isSafeName(name)) {
    throw new ApiError(422, "invalid_upload_name", `Upload name ${JSON.stringify(name.slice(0, 200))} is not allowed: use one plain file name (letters, digits, ._+=@,()- and spaces; no '/', '\\', '..', '%' or control characters).`, {
      details: { name: name.slice(0, 200) },
      suggestedAction: "Send just the base name of the file, e.g. ?name=drive.rlog.zst."
    })
  }
  return name
}

const upload = async (ctx: ApiContext) => {
  const name = uploadName(ctx)
  const req = ctx.event.req
  assertContentLength(req, ctx.settings.maxUploadBytes, "upload")
  let received = 0
  const broken = (e: unknown) =>
    isCtsError(e)
      ? e
      : new ValidationError({ code: "upload_incomplete", message: `The upload stream broke off: ${(e as Error)?.message ?? e}.`, suggestedAction: "Retry the upload." })
  const peeked = await peekHead(limitedBody(ctx.event, ctx.settings.maxUploadBytes, "upload")).catch((e) => {
    throw broken(e)
  })
  const contentType = uploadContentType(peeked.head, req.headers.get("content-type"), name)
  const body = Stream.fromAsyncIterable(peeked.body, broken).pipe(Stream.tap((chunk) => Effect.sync(() => void (received += chunk.byteLength))))
  const meta = await ctx.core(
    Effect.flatMap(ArtifactStore, (s) =>
      s.put(
        { key: `uploads/${newId("upl")}/${name}`, name, contentType, runId: null, metadata: { [UPLOAD_OWNER_KEY]: ctx.principal.id } },
        body
      )
    )
  )
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
    summary: "Store a file (raw request body) for use as a run input: {type: \"upload\", value: <id>}. Size-limited by CTS_MAX_UPLOAD_BYTES.",
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
