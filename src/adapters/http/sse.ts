/** One server-sent event. */
export interface SseEvent {
  readonly id?: number | string
  readonly event: string
  readonly data: unknown
}

/** Pushes events; awaiting the returned promise applies back-pressure from the client. */
export type SseEmit = (event: SseEvent) => Promise<void>

/** Produces the events of one stream; resolves when there are no more, rejects on failure. */
export interface SseSource {
  readonly run: (emit: SseEmit) => Promise<void>
  /** Stops the producer (client went away). */
  readonly cancel: () => void
}

export interface SseOptions {
  /** Sent first as `retry:`. */
  readonly retryMs: number
  /** A `: ping` comment when this long passes (also while the client is idle). */
  readonly heartbeatMs: number
  readonly onOpen?: () => void
  /** Called exactly once, when the stream ends for any reason. */
  readonly onClose?: () => void
}

const encoder = new TextEncoder()

/** Serialises one event in the `text/event-stream` wire format (data is one JSON line). */
export const formatSseEvent = (e: SseEvent): string =>
  `${e.id !== undefined ? `id: ${e.id}\n` : ""}event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`

/** Headers of every event stream. */
export const sseHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no"
} as const

/**
 * A streaming `text/event-stream` Response: `retry:` first, then the source's events with
 * back-pressure (a slow client holds the producer instead of growing a buffer), a comment
 * heartbeat, and closing when the source ends, fails or the client disconnects.
 */
export const createSseResponse = (source: SseSource, options: SseOptions): Response => {
  let heartbeat: ReturnType<typeof setInterval> | undefined
  let wakeProducer: (() => void) | undefined
  let closed = false
  const finish = () => {
    if (closed) return
    closed = true
    clearInterval(heartbeat)
    wakeProducer?.()
    options.onClose?.()
  }
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        options.onOpen?.()
        controller.enqueue(encoder.encode(`retry: ${options.retryMs}\n\n`))
        heartbeat = setInterval(() => {
          if (!closed && (controller.desiredSize ?? 0) > 0) controller.enqueue(encoder.encode(": ping\n\n"))
        }, options.heartbeatMs)
        const emit: SseEmit = async (event) => {
          if (closed) throw new Error("client disconnected")
          controller.enqueue(encoder.encode(formatSseEvent(event)))
          while (!closed && (controller.desiredSize ?? 0) <= 0) await new Promise<void>((resolve) => (wakeProducer = resolve))
        }
        source.run(emit).then(
          () => {
            if (closed) return
            finish()
            controller.close()
          },
          (error: unknown) => {
            if (closed) return
            controller.enqueue(encoder.encode(`: stream failed: ${String((error as Error)?.message ?? error).replace(/\n/g, " ")}\n\n`))
            finish()
            controller.close()
          }
        )
      },
      pull() {
        const wake = wakeProducer
        wakeProducer = undefined
        wake?.()
      },
      cancel() {
        finish()
        source.cancel()
      }
    },
    { highWaterMark: 32 }
  )
  return new Response(body, { status: 200, headers: sseHeaders })
}
