import { Cause, Effect, Exit, Fiber, Option, Runtime, Stream } from "effect"
import { SystemError, type CtsError } from "../errors.js"
import { LogStream, type RunEvent } from "./log-stream.js"

/** A consumer of one run's events (e.g. one SSE connection). */
export interface FanoutListener {
  /** Events in seq order, each exactly once; return false when the consumer cannot take more now (call `resume` later). */
  readonly deliver: (events: ReadonlyArray<RunEvent>) => boolean
  /** The run's stream could not be read; the consumer should end (a client resumes from its last seq). */
  readonly fail: (error: CtsError) => void
}

/** A listener's attachment. */
export interface FanoutHandle {
  /** The consumer can take events again; it is caught up from the persisted log. */
  readonly resume: () => void
  readonly detach: () => void
}

/** Many consumers of the same runs over ONE live LogStream subscription per run. */
export interface RunEventFanout {
  /** Delivers every event with seq > `after` (replay, then live) until the terminal `end`; `after` must be 0 or an existing seq. */
  readonly attach: (runId: string, after: number, listener: FanoutListener) => FanoutHandle
}

interface Client {
  last: number
  mode: "catching-up" | "live" | "paused" | "done"
  pending: Array<RunEvent>
  readonly listener: FanoutListener
}

interface Hub {
  readonly clients: Set<Client>
  fiber: Fiber.RuntimeFiber<void, CtsError> | null
}

const errorOf = (cause: Cause.Cause<CtsError>): CtsError =>
  Option.getOrElse(
    Cause.failureOption(cause),
    () => new SystemError({ code: "log_stream_failed", message: `Reading the run's events failed: ${Cause.pretty(cause)}` })
  )

const PAGE = 1000
const MAX_PENDING = 10_000

/**
 * A fan-out over LogStream: one `subscribe` per run feeds every attached listener with plain calls,
 * so a thousand listeners cost one Effect stream, not a thousand. Each listener joins exactly: it reads
 * the persisted log from its own position until caught up, buffering live events meanwhile, then takes
 * live events; a listener that cannot keep up is paused and later caught up from the store. No gap,
 * no duplicate, and a slow listener never holds the others back.
 */
export const makeRunEventFanout: Effect.Effect<RunEventFanout, never, LogStream> = Effect.gen(function* () {
  const logs = yield* LogStream
  const runtime = yield* Effect.runtime<never>()
  const runFork = Runtime.runFork(runtime)
  const runPromise = Runtime.runPromiseExit(runtime)
  const hubs = new Map<string, Hub>()

  const finish = (client: Client) => {
    client.mode = "done"
    client.pending = []
  }

  /** Hands `events` (seq-ordered) to a live client; false when a gap means it must catch up first. */
  const offer = (client: Client, events: ReadonlyArray<RunEvent>): boolean => {
    const fresh = events.length > 0 && events[0]!.seq > client.last ? events : events.filter(e => e.seq > client.last)
    if (fresh.length === 0) return true
    if (fresh[0]!.seq !== client.last + 1) return false
    client.last = fresh[fresh.length - 1]!.seq
    const more = client.listener.deliver(fresh)
    if (fresh[fresh.length - 1]!.type === "end") finish(client)
    else if (!more) client.mode = "paused"
    return true
  }

  const catchUp = (runId: string, hub: Hub, client: Client) => {
    client.mode = "catching-up"
    client.pending = []
    void (async () => {
      for (;;) {
        const exit = await runPromise(logs.read(runId, client.last, PAGE))
        if (client.mode !== "catching-up" || !hub.clients.has(client)) return
        if (Exit.isFailure(exit)) {
          finish(client)
          return client.listener.fail(errorOf(exit.cause))
        }
        if (exit.value.length > 0) {
          offer(client, exit.value)
          if (client.mode !== "catching-up") return
        }
        if (exit.value.length === PAGE) continue
        const pending = client.pending
        client.pending = []
        client.mode = "live"
        if (!offer(client, pending)) {
          client.mode = "catching-up"
          continue
        }
        return
      }
    })()
  }

  const broadcast = (runId: string, hub: Hub, events: ReadonlyArray<RunEvent>) => {
    for (const client of hub.clients) {
      if (client.mode === "live") {
        if (!offer(client, events)) catchUp(runId, hub, client)
      } else if (client.mode === "catching-up") {
        client.pending.push(...events)
        if (client.pending.length > MAX_PENDING) client.pending = []
      }
    }
  }

  const start = (runId: string, hub: Hub, after: number) => {
    const feed = Stream.runForEachChunk(logs.subscribe(runId, after), chunk => Effect.sync(() => broadcast(runId, hub, [...chunk])))
    hub.fiber = runFork(feed)
    hub.fiber.addObserver(exit => {
      if (hubs.get(runId) === hub) hubs.delete(runId)
      if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) {
        for (const client of hub.clients) {
          if (client.mode !== "live") continue
          finish(client)
          client.listener.fail(errorOf(exit.cause))
        }
      }
    })
  }

  const attach: RunEventFanout["attach"] = (runId, after, listener) => {
    let hub = hubs.get(runId)
    const fresh = hub === undefined
    if (!hub) hubs.set(runId, (hub = { clients: new Set(), fiber: null }))
    const client: Client = { last: Math.max(0, Math.floor(after)), mode: "catching-up", pending: [], listener }
    hub.clients.add(client)
    const h = hub
    if (fresh) start(runId, h, client.last)
    catchUp(runId, h, client)
    return {
      resume: () => {
        if (client.mode === "paused" && h.clients.has(client)) catchUp(runId, h, client)
      },
      detach: () => {
        if (!h.clients.delete(client)) return
        finish(client)
        if (h.clients.size === 0 && hubs.get(runId) === h) {
          hubs.delete(runId)
          if (h.fiber) runFork(Fiber.interrupt(h.fiber))
        }
      }
    }
  }
  return { attach }
})
