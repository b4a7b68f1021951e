import { Effect } from "effect"
import { ApiError } from "../api-error.js"
import { LogStream, type RunEvent } from "../../../core/run-events/log-stream.js"
import { makeRunEventFanout, type RunEventFanout } from "../../../core/run-events/run-event-fanout.js"
import { defineApiRoute, type ApiContext, type ApiRoute } from "../route-kit.js"
import { createSseResponse, encodeSseEvent, type SseOptions } from "../sse.js"
import { eventToWire } from "../wire.js"
import { ownRun } from "./access.js"
import { afterParam, intParam } from "./query-params.js"

/** Live events reach every subscriber as the same object: encode each once, not once per client. */
const encoded = new WeakMap<RunEvent, Uint8Array>()
const wireBytes = (e: RunEvent): Uint8Array => {
  let bytes = encoded.get(e)
  if (!bytes) encoded.set(e, (bytes = encodeSseEvent({ id: e.seq, event: e.type, data: eventToWire(e) })))
  return bytes
}

const page = async (ctx: ApiContext) => {
  const run = await ownRun(ctx, ctx.event.context.params?.id)
  const after = afterParam(ctx.event.req.headers, ctx.event.url)
  const limit = intParam(ctx.event.url, "limit", 1, 5000, 1000)
  const items = await ctx.core(Effect.flatMap(LogStream, l => l.read(run.id, after, limit)))
  return {
    items: items.map(eventToWire),
    next_after: items.length ? items[items.length - 1]!.seq : after,
    ended: items.some(e => e.type === "end")
  }
}

/**
 * Where a resume point stands: `ended` when the event at `after` is the terminal one (a reconnect
 * then gets 204, never a stream that cannot end); a point past the log is refused, as no client saw it.
 */
export const resumePoint = async (ctx: ApiContext, runId: string, after: number): Promise<"ended" | "open"> => {
  if (after === 0) return "open"
  const [at] = await ctx.core(Effect.flatMap(LogStream, l => l.read(runId, after - 1, 1)))
  if (at === undefined || at.seq !== after) {
    throw new ApiError(400, "invalid_resume_point", `Run ${runId} has no event ${after} to resume after.`, {
      details: { after },
      suggestedAction: "Resume from an id the stream sent (Last-Event-ID), or from 0."
    })
  }
  return at.type === "end" ? "ended" : "open"
}

const fanouts = new WeakMap<object, Promise<RunEventFanout>>()
/** One fan-out per core runtime: every SSE client of a run shares one live subscription. */
export const fanoutOf = (ctx: ApiContext): Promise<RunEventFanout> => {
  let fanout = fanouts.get(ctx.runtime)
  if (!fanout) fanouts.set(ctx.runtime, (fanout = ctx.core(makeRunEventFanout)))
  return fanout
}

/** The server's event-stream settings for one SSE response (retry, heartbeat, metrics, Node body). */
export const sseOptionsOf = (ctx: ApiContext): SseOptions => ({
  retryMs: ctx.settings.sseRetryMs,
  heartbeatMs: ctx.settings.sseHeartbeatMs,
  onOpen: ctx.metrics.sseClientOpened,
  onClose: ctx.metrics.sseClientClosed,
  node: ctx.event.runtime?.node !== undefined
})

/** SSE of a run's events (resumable with Last-Event-ID); shared by the runs and monitors routes. */
export const streamRunEvents = async (ctx: ApiContext) => {
  const run = await ownRun(ctx, ctx.event.context.params?.id)
  const after = afterParam(ctx.event.req.headers, ctx.event.url)
  if ((await resumePoint(ctx, run.id, after)) === "ended") return new Response(null, { status: 204 })
  const fanout = await fanoutOf(ctx)
  return createSseResponse(sink => {
    const handle = fanout.attach(run.id, after, {
      deliver: events => {
        const more = sink.write(events.length === 1 ? wireBytes(events[0]!) : Buffer.concat(events.map(wireBytes)))
        if (events[events.length - 1]!.type === "end") {
          handle.detach()
          sink.end()
        }
        return more
      },
      fail: error => {
        handle.detach()
        sink.fail(`${error.code}: ${error.message}`)
      }
    })
    return { resume: handle.resume, cancel: handle.detach }
  }, sseOptionsOf(ctx))
}

/** GET /v1/runs/:id/logs (pages) and /v1/runs/:id/logs/stream (SSE). */
export const logRoutes: ReadonlyArray<ApiRoute> = [
  defineApiRoute({
    method: "GET",
    path: "/v1/runs/:id/logs",
    operationId: "getRunLogs",
    summary: "A page of the run's events (log, progress, status, end) with seq > after.",
    tag: "runs",
    auth: "required",
    query: [
      { name: "after", description: "Return events with seq greater than this (default 0).", schema: { type: "integer", minimum: 0 } },
      { name: "limit", description: "Page size, 1–5000 (default 1000).", schema: { type: "integer", minimum: 1, maximum: 5000 } }
    ],
    responses: { 200: { description: "`{ items, next_after, ended }`." }, 404: { description: "Unknown run, or not yours." } },
    handler: page
  }),
  defineApiRoute({
    method: "GET",
    path: "/v1/runs/:id/logs/stream",
    operationId: "streamRunLogs",
    summary:
      "Server-sent events: `retry:` first, `id:` = seq, `event:` log|progress|status|end, `: ping` heartbeat; resume exactly with Last-Event-ID or ?after=. Closes after `end`; a reconnect after it gets 204.",
    tag: "runs",
    auth: "required",
    streamToken: true,
    query: [
      {
        name: "token",
        description: "A stream token of this run (POST /v1/runs/:id/stream-token), instead of the Authorization header.",
        schema: { type: "string" }
      },
      { name: "after", description: "Resume after this seq (Last-Event-ID wins).", schema: { type: "integer", minimum: 0 } }
    ],
    responses: {
      200: { description: "The event stream.", contentType: "text/event-stream" },
      204: { description: "The run has ended and nothing follows `after`." },
      404: { description: "Unknown run, or not yours." }
    },
    handler: streamRunEvents
  })
]
