import { Effect } from "effect"
import { HTTPResponse } from "h3"
import { Executor, type RunStatus } from "../../../core/executor/executor.js"
import { readJsonBody } from "../request-body.js"
import { defaultResponseHeaders, defineApiRoute, type ApiContext, type ApiRoute } from "../route-kit.js"
import { decodeBody, jsonSchemaOf, RunCreateBody, runJsonBytes, runToWire, toInputRef } from "../wire.js"
import { ownedUpload } from "../../../core/access/ownership.js"
import { ownRun } from "./access.js"
import { enumParam, idParam, intParam } from "./query-params.js"
import { RunWire } from "../wire-schemas.js"

const statuses: ReadonlyArray<RunStatus> = ["queued", "running", "completed", "failed", "canceled"]

/** An `upload` input must name an upload of the caller (not a run's artifact, not someone else's). */
const assertOwnUpload = (ctx: ApiContext, id: string) => ctx.core(ownedUpload(ctx.principal.id, id))

const submit = async (ctx: ApiContext) => {
  const raw = await readJsonBody(ctx.event, ctx.settings.maxJsonBytes)
  const body = decodeBody(RunCreateBody, raw, "run")
  // The params as sent: decoding into a record drops an own `__proto__` key, which the core must see to refuse it.
  const params = (raw as { params?: Record<string, unknown> }).params ?? {}
  const given = body.input ?? []
  const many = !("type" in given)
  const refs = ("type" in given ? [given] : given).map(toInputRef)
  for (const ref of refs) if (ref.type === "artifact") await assertOwnUpload(ctx, ref.id)
  const run = await ctx.core(
    Effect.flatMap(Executor, e =>
      e.submit({
        toolId: body.tool_id,
        params,
        input: many ? refs : refs[0]!,
        owner: ctx.principal.id,
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.timeout_s !== undefined ? { timeoutMs: Math.round(body.timeout_s * 1000) } : {})
      })
    )
  )
  const wire = runToWire(run, ctx.baseUrl)
  return new Response(JSON.stringify(wire), { status: 202, headers: { "content-type": "application/json", location: wire.links.self } })
}

const list = async (ctx: ApiContext) => {
  const url = ctx.event.url
  const limit = intParam(url, "limit", 1, 500, 50)
  const status = enumParam(url, "status", statuses)
  const toolId = idParam(url, "tool") ?? idParam(url, "tool_id")
  const cursor = idParam(url, "cursor")
  const page = await ctx.core(
    Effect.flatMap(Executor, e =>
      e.list({ owner: ctx.principal.id, limit, ...(status ? { status } : {}), ...(toolId ? { toolId } : {}), ...(cursor ? { cursor } : {}) })
    )
  )
  let next: string | null = null
  if (page.nextCursor) {
    const query = new URLSearchParams([...url.searchParams].filter(([k]) => k !== "cursor"))
    query.set("cursor", page.nextCursor)
    next = `${ctx.baseUrl}/v1/runs?${query}`
  }
  return { items: page.items.map(r => runToWire(r, ctx.baseUrl)), next_cursor: page.nextCursor, links: { next } }
}

/** Cancels a run the caller may see and answers `{ outcome, run }` (runs and monitors routes). */
export const cancelRunResponse = async (ctx: ApiContext, run: { readonly id: string }) => {
  const result = await ctx.core(Effect.flatMap(Executor, e => e.cancel(run.id)))
  return { outcome: result.outcome, run: runToWire(result.run, ctx.baseUrl) }
}

/** The run's headers, with the ones every answer gets already in place (so `onResponse` adds nothing). */
const runHeaders: HeadersInit = [["content-type", "application/json;charset=UTF-8"], ...defaultResponseHeaders]

const runId = (ctx: ApiContext) => ctx.event.context.params?.id

/** POST/GET /v1/runs, GET/DELETE /v1/runs/:id. */
export const runRoutes: ReadonlyArray<ApiRoute> = [
  defineApiRoute({
    method: "POST",
    path: "/v1/runs",
    operationId: "createRun",
    summary: "Submit a run. Params are checked against the tool's schema before anything runs; inputs are paths under CTS_INPUT_ROOTS or your uploads.",
    tag: "runs",
    auth: "required",
    requestBody: { contentType: "application/json", schema: jsonSchemaOf(RunCreateBody) },
    responses: {
      202: {
        description:
          "Accepted: the run record (queued), with a Location header. A path input's sha256 is null until the run has read it (nothing is read at submit)."
      },
      400: { description: "Malformed JSON." },
      403: { description: "A path input outside the input roots." },
      404: { description: "An upload input that is not yours or does not exist." },
      413: { description: "Body larger than CTS_MAX_JSON_BYTES." },
      422: {
        description:
          "Unknown tool, unknown or ill-typed params, bad body shape, URL given as a path, a path that is not a regular file, more inputs or input bytes than the per-run limits."
      }
    },
    handler: submit
  }),
  defineApiRoute({
    method: "GET",
    path: "/v1/runs",
    operationId: "listRuns",
    summary: "Your runs, newest first, with cursor pagination.",
    tag: "runs",
    auth: "required",
    query: [
      { name: "status", description: "Only runs in this status.", schema: { type: "string", enum: [...statuses] } },
      { name: "tool", description: "Only runs of this tool id.", schema: { type: "string" } },
      { name: "limit", description: "Page size, 1–500 (default 50).", schema: { type: "integer", minimum: 1, maximum: 500 } },
      { name: "cursor", description: "`next_cursor` of the previous page.", schema: { type: "string" } }
    ],
    responses: { 200: { description: "`{ items, next_cursor, links: { next } }`." } },
    handler: list
  }),
  defineApiRoute({
    method: "GET",
    path: "/v1/runs/:id",
    operationId: "getRun",
    summary: "One run: status, timestamps, progress, error, summary, artifact ids, links.",
    tag: "runs",
    auth: "required",
    responses: { 200: { description: "The run.", schema: jsonSchemaOf(RunWire) }, 404: { description: "Unknown run, or not yours." } },
    handler: async ctx => new HTTPResponse(runJsonBytes(await ownRun(ctx, runId(ctx)), ctx.baseUrl), { headers: runHeaders })
  }),
  defineApiRoute({
    method: "DELETE",
    path: "/v1/runs/:id",
    operationId: "cancelRun",
    summary: "Cancel a queued or running run; says what happened (`canceled` or `already_finished`).",
    tag: "runs",
    auth: "required",
    responses: { 200: { description: "`{ outcome, run }`." }, 404: { description: "Unknown run, or not yours." } },
    handler: async ctx => cancelRunResponse(ctx, await ownRun(ctx, runId(ctx)))
  })
]
