import { Effect } from "effect"
import { ArtifactStore } from "../../../core/artifacts/artifact-store.js"
import { SignedLinks } from "../../../core/artifacts/signed-links.js"
import { ApiError } from "../api-error.js"
import { readJsonBody } from "../request-body.js"
import { defineApiRoute, type ApiContext, type ApiRoute } from "../route-kit.js"
import { artifactToWire, decodeBody, jsonSchemaOf, SignedUrlBody } from "../wire.js"
import { ownArtifact, ownRun } from "./access.js"
import { bodyResponse, contentDisposition, downloadSafetyHeaders, serveArtifact, toBody } from "./artifact-body.js"
import { idParam, intParam } from "./query-params.js"
import { ArtifactWire } from "../wire-schemas.js"

const param = (ctx: ApiContext, name: string) => ctx.event.context.params?.[name]

const hasBody = (req: Request) => {
  const length = req.headers.get("content-length")
  return (length !== null && length !== "0") || req.headers.has("transfer-encoding")
}

const signUrl = async (ctx: ApiContext) => {
  const meta = await ownArtifact(ctx, param(ctx, "id"))
  const body = hasBody(ctx.event.req) ? decodeBody(SignedUrlBody, await readJsonBody(ctx.event, ctx.settings.maxJsonBytes), "signed URL") : {}
  const ttl = body.ttl_s ?? ctx.settings.signedUrlTtlSeconds
  if (ttl > ctx.settings.signedUrlMaxTtlSeconds) {
    throw new ApiError(422, "ttl_too_long", `ttl_s may be at most ${ctx.settings.signedUrlMaxTtlSeconds} seconds.`, {
      details: { max_ttl_s: ctx.settings.signedUrlMaxTtlSeconds },
      suggestedAction: "Ask for a shorter lifetime (CTS_SIGNED_URL_MAX_TTL)."
    })
  }
  const signed = await ctx.core(Effect.flatMap(ArtifactStore, s => s.signUrl(meta.id, ttl)))
  return { url: `${ctx.baseUrl}/v1/files/${signed.token}`, expires_at: signed.expiresAt, artifact_id: meta.id }
}

const bundle = async (ctx: ApiContext) => {
  const run = await ownRun(ctx, param(ctx, "id"))
  if (run.status === "queued" || run.status === "running") {
    throw new ApiError(409, "run_not_finished", `Run ${run.id} is still ${run.status}; its bundle would be incomplete.`, {
      details: { status: run.status },
      suggestedAction: "Wait for the run to finish (GET /v1/runs/:id or the log stream), then ask again."
    })
  }
  const zip = await ctx.core(Effect.map(ArtifactStore, s => s.bundle(run.id)))
  const stream = await toBody(ctx, zip, n => ctx.metrics.artifactBytesSent("bundle", n))
  return bodyResponse(stream, 200, { "content-type": "application/zip", "content-disposition": contentDisposition(`${run.id}.zip`), ...downloadSafetyHeaders })
}

/** Run artifact listing, artifact metadata, download, bundle, signed URLs and the signed-file route. */
export const artifactRoutes: ReadonlyArray<ApiRoute> = [
  defineApiRoute({
    method: "GET",
    path: "/v1/runs/:id/artifacts",
    operationId: "listRunArtifacts",
    summary: "The run's artifacts with absolute URLs.",
    tag: "artifacts",
    auth: "required",
    query: [
      { name: "limit", description: "Page size, 1–1000 (default 200).", schema: { type: "integer", minimum: 1, maximum: 1000 } },
      { name: "cursor", description: "`next_cursor` of the previous page.", schema: { type: "string" } }
    ],
    responses: { 200: { description: "`{ items, next_cursor }`." }, 404: { description: "Unknown run, or not yours." } },
    handler: async ctx => {
      const run = await ownRun(ctx, param(ctx, "id"))
      const limit = intParam(ctx.event.url, "limit", 1, 1000, 200)
      const cursor = idParam(ctx.event.url, "cursor")
      const page = await ctx.core(Effect.flatMap(ArtifactStore, s => s.list({ runId: run.id, limit, ...(cursor ? { cursor } : {}) })))
      return { items: page.items.map(m => artifactToWire(m, ctx.baseUrl)), next_cursor: page.nextCursor }
    }
  }),
  defineApiRoute({
    method: "GET",
    path: "/v1/runs/:id/bundle",
    operationId: "getRunBundle",
    summary: "All of a finished run's artifacts as one ZIP, streamed.",
    tag: "artifacts",
    auth: "required",
    responses: {
      200: { description: "ZIP archive.", contentType: "application/zip" },
      404: { description: "Unknown run, or not yours." },
      409: { description: "The run has not finished." }
    },
    handler: bundle
  }),
  defineApiRoute({
    method: "GET",
    path: "/v1/artifacts/:id",
    operationId: "getArtifact",
    summary: "Artifact metadata (size, sha256, content type, run) with absolute URLs.",
    tag: "artifacts",
    auth: "required",
    responses: { 200: { description: "Metadata.", schema: jsonSchemaOf(ArtifactWire) }, 404: { description: "Unknown artifact, or not yours." } },
    handler: async ctx => artifactToWire(await ownArtifact(ctx, param(ctx, "id")), ctx.baseUrl)
  }),
  defineApiRoute({
    method: "GET",
    path: "/v1/artifacts/:id/download",
    operationId: "downloadArtifact",
    summary: "The artifact's bytes, streamed: Range (206), ETag = sha256 (If-None-Match → 304, If-Range), content type, attachment disposition.",
    tag: "artifacts",
    auth: "required",
    responses: {
      200: { description: "The bytes.", contentType: "application/octet-stream" },
      206: { description: "The requested range." },
      304: { description: "Unchanged (ETag matched)." },
      404: { description: "Unknown artifact, or not yours." },
      416: { description: "Range outside the artifact." }
    },
    handler: async ctx => serveArtifact(ctx, await ownArtifact(ctx, param(ctx, "id")), "download")
  }),
  defineApiRoute({
    method: "POST",
    path: "/v1/artifacts/:id/url",
    operationId: "signArtifactUrl",
    summary: "A signed, expiring URL that downloads the artifact without credentials.",
    tag: "artifacts",
    auth: "required",
    requestBody: { contentType: "application/json", schema: jsonSchemaOf(SignedUrlBody), optional: true },
    responses: { 200: { description: "`{ url, expires_at, artifact_id }`." }, 404: { description: "Unknown artifact, or not yours." } },
    handler: signUrl
  }),
  defineApiRoute({
    method: "GET",
    path: "/v1/files/:token",
    operationId: "getSignedFile",
    summary: "Download through a signed URL (no credentials; the token is the permission). Range and ETag as for downloads.",
    tag: "artifacts",
    auth: "public",
    responses: {
      200: { description: "The bytes.", contentType: "application/octet-stream" },
      403: { description: "Forged, malformed or expired token." },
      404: { description: "The artifact no longer exists." }
    },
    handler: async ctx => {
      const token = param(ctx, "token") ?? ""
      const id = await ctx.core(Effect.flatMap(SignedLinks, links => links.verifyArtifact(token)))
      const meta = await ctx.core(Effect.flatMap(ArtifactStore, s => s.stat(id)))
      return serveArtifact(ctx, meta, "file")
    }
  })
]
