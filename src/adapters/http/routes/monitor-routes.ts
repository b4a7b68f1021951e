import { Effect, Schema } from "effect"
import { Executor } from "../../../core/executor/executor.js"
import { monitorSubmission, requireMonitor, type MonitorSourceSpec } from "../../../core/monitors/monitor-request.js"
import { ToolRegistry } from "../../../core/registry/tool-registry.js"
import { ApiError } from "../api-error.js"
import { readJsonBody } from "../request-body.js"
import { defineApiRoute, type ApiContext, type ApiRoute } from "../route-kit.js"
import { decodeBody, jsonSchemaOf, runToWire } from "../wire.js"
import { ownRun } from "./access.js"
import { streamRunEvents } from "./log-routes.js"
import { cancelRunResponse } from "./run-routes.js"
import { isWebSocketUpgrade, streamRunEventsWs } from "./run-events-ws.js"

const MonitorCreateBody = Schema.Struct({
  monitor: Schema.String.annotations({ description: "A monitor id (tools of category `monitor` in GET /v1/capabilities)." }),
  source: Schema.Union(
    Schema.Struct({ panda: Schema.NullOr(Schema.String) }),
    Schema.Struct({ simulate: Schema.String }),
    Schema.Struct({ path: Schema.String })
  ).annotations({
    description: "`{ panda: serial | null }` (a panda on the server's USB), `{ simulate: path }` or `{ path: path }` (a recorded rlog under the input roots)."
  }),
  params: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  name: Schema.optional(Schema.String.pipe(Schema.maxLength(200)))
}).annotations({ identifier: "MonitorCreate" })

const monitorTools = Effect.flatMap(ToolRegistry, r => r.list)

const ownMonitor = async (ctx: ApiContext) => {
  const run = await ownRun(ctx, ctx.event.context.params?.id)
  const tools = await ctx.core(monitorTools)
  if (tools.find(t => t.id === run.toolId)?.category !== "monitor")
    throw new ApiError(404, "monitor_not_found", `Run ${run.id} is not a monitor.`, { suggestedAction: "Use /v1/runs/:id for analyzer runs." })
  return run
}

const start = async (ctx: ApiContext) => {
  const body = decodeBody(MonitorCreateBody, await readJsonBody(ctx.event, ctx.settings.maxJsonBytes), "monitor")
  requireMonitor(await ctx.core(monitorTools), body.monitor)
  const { input, params } = monitorSubmission(body.source as MonitorSourceSpec, body.params)
  const run = await ctx.core(
    Effect.flatMap(Executor, e =>
      e.submit({ toolId: body.monitor, params, input, owner: ctx.principal.id, ...(body.name !== undefined ? { name: body.name } : {}) })
    )
  )
  const wire = runToWire(run, ctx.baseUrl)
  return new Response(JSON.stringify(wire), { status: 202, headers: { "content-type": "application/json", location: `${ctx.baseUrl}/v1/monitors/${run.id}` } })
}

const list = async (ctx: ApiContext) => {
  const ids = new Set((await ctx.core(monitorTools)).filter(t => t.category === "monitor").map(t => t.id))
  const page = await ctx.core(Effect.flatMap(Executor, e => e.list({ owner: ctx.principal.id, limit: 500 })))
  return { items: page.items.filter(r => ids.has(r.toolId)).map(r => runToWire(r, ctx.baseUrl)) }
}

/** POST/GET /v1/monitors, GET/DELETE /v1/monitors/:id, GET /v1/monitors/:id/stream (SSE or WebSocket): monitors as runs of the monitor tools. */
export const monitorRoutes: ReadonlyArray<ApiRoute> = [
  defineApiRoute({
    method: "POST",
    path: "/v1/monitors",
    operationId: "startMonitor",
    summary: "Start a monitor on a panda, a simulated panda or a recorded log; it runs until stopped, its duration_s, or the end of its source.",
    tag: "monitors",
    auth: "required",
    requestBody: { contentType: "application/json", schema: jsonSchemaOf(MonitorCreateBody) },
    responses: {
      202: { description: "The monitor's run record (queued)." },
      403: { description: "A path outside the input roots." },
      422: { description: "Not a monitor, bad params or source." }
    },
    handler: start
  }),
  defineApiRoute({
    method: "GET",
    path: "/v1/monitors",
    operationId: "listMonitors",
    summary: "Your monitor runs, newest first (the latest 500 runs).",
    tag: "monitors",
    auth: "required",
    responses: { 200: { description: "`{ items }`." } },
    handler: list
  }),
  defineApiRoute({
    method: "GET",
    path: "/v1/monitors/:id",
    operationId: "getMonitor",
    summary: "One monitor run.",
    tag: "monitors",
    auth: "required",
    responses: { 200: { description: "The run." }, 404: { description: "Unknown, not yours, or not a monitor." } },
    handler: async ctx => runToWire(await ownMonitor(ctx), ctx.baseUrl)
  }),
  defineApiRoute({
    method: "GET",
    path: "/v1/monitors/:id/stream",
    operationId: "streamMonitor",
    summary:
      "The monitor's events as server-sent events, or as a WebSocket (one JSON text message per event) when the request asks to upgrade; both resume after `?after=` / Last-Event-ID as /v1/runs/:id/logs/stream does. A WebSocket closes with 1000 after `end`; a monitor that is not yours refuses the upgrade with 404.",
    tag: "monitors",
    auth: "required",
    query: [{ name: "after", description: "Resume after this seq (Last-Event-ID wins).", schema: { type: "integer", minimum: 0 } }],
    responses: {
      101: { description: "Switched to a WebSocket of the monitor's events." },
      200: { description: "The event stream.", contentType: "text/event-stream" },
      204: { description: "Ended; nothing after `after`." },
      404: { description: "Unknown, not yours, or not a monitor." }
    },
    handler: async ctx => {
      const run = await ownMonitor(ctx)
      return isWebSocketUpgrade(ctx.event) ? streamRunEventsWs(ctx, run.id) : streamRunEvents(ctx)
    }
  }),
  defineApiRoute({
    method: "DELETE",
    path: "/v1/monitors/:id",
    operationId: "stopMonitor",
    summary: "Stop a monitor; results it finished are kept.",
    tag: "monitors",
    auth: "required",
    responses: { 200: { description: "`{ outcome, run }`." }, 404: { description: "Unknown, not yours, or not a monitor." } },
    handler: async ctx => cancelRunResponse(ctx, await ownMonitor(ctx))
  })
]
