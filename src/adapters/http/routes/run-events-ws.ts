import { defineWebSocketHandler, type H3Event } from "h3"
import type { FanoutHandle } from "../../../core/run-events/run-event-fanout.js"
import type { ApiContext } from "../route-kit.js"
import { eventToWire } from "../wire.js"
import { fanoutOf, resumePoint } from "./log-routes.js"
import { afterParam } from "./query-params.js"

/** Bytes queued on one WebSocket before delivery pauses until the socket drains. */
const HIGH_WATER_BYTES = 1 << 20

/** Close codes: 1000 after the `end` event (or when resuming after it), 1011 when the run's events could not be read. */
export const WS_CLOSE = { ended: 1000, failed: 1011 } as const

/** True when the request asks to upgrade to a WebSocket. */
export const isWebSocketUpgrade = (event: H3Event): boolean => event.req.headers.get("upgrade")?.toLowerCase() === "websocket"

/**
 * A run's events over a WebSocket, one JSON text message per event (the wire shape of the SSE `data:`,
 * with `seq` and `type`), resuming after `?after=` or `Last-Event-ID` exactly as the SSE stream does.
 * The caller has checked that the run is the principal's (refusing the upgrade otherwise).
 * Closes with 1000 after `end`; resuming after `end` opens and closes at once with reason `ended`.
 */
export const streamRunEventsWs = async (ctx: ApiContext, runId: string): Promise<unknown> => {
  const after = afterParam(ctx.event.req.headers, ctx.event.url)
  const point = await resumePoint(ctx, runId, after)
  const fanout = await fanoutOf(ctx)
  const handles = new Map<string, FanoutHandle>()
  const handler = defineWebSocketHandler({
    open(peer) {
      if (point === "ended") return peer.close(WS_CLOSE.ended, "ended")
      const handle = fanout.attach(runId, after, {
        deliver: events => {
          let buffered = 0
          for (const e of events) buffered = Number(peer.send(JSON.stringify(eventToWire(e))) ?? 0)
          if (events[events.length - 1]!.type === "end") {
            handle.detach()
            handles.delete(peer.id)
            peer.close(WS_CLOSE.ended, "end")
          }
          return buffered < HIGH_WATER_BYTES
        },
        fail: error => {
          handle.detach()
          handles.delete(peer.id)
          peer.close(WS_CLOSE.failed, `${error.code}: ${error.message}`.slice(0, 120))
        }
      })
      handles.set(peer.id, handle)
    },
    drain(peer) {
      handles.get(peer.id)?.resume()
    },
    close(peer) {
      handles.get(peer.id)?.detach()
      handles.delete(peer.id)
    }
  })
  return handler(ctx.event)
}
