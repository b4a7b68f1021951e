import { HTTPResponse } from "h3"

/** One server-sent event. */
export interface SseEvent {
  readonly id?: number | string
  readonly event: string
  readonly data: unknown
}

/** Where a producer writes an event stream. */
export interface SseSink {
  /** Queues encoded events; false when the client's buffer is full (wait for `resume`). */
  readonly write: (bytes: Uint8Array) => boolean
  /** Ends the stream normally. */
  readonly end: () => void
  /** Ends the stream after a failure (reported as a comment; the client resumes with Last-Event-ID). */
  readonly fail: (reason: string) => void
}

/** A running producer: told when the client can take more, and when it went away. */
export interface SseProducer {
  readonly resume: () => void
  readonly cancel: () => void
}

export interface SseOptions {
  /** Sent first as `retry:`. */
  readonly retryMs: number
  /** A `: ping` comment this often. */
  readonly heartbeatMs: number
  /** Bytes buffered for a slow client before `write` says stop. */
  readonly highWaterBytes?: number
  readonly onOpen?: () => void
  /** Called exactly once, when the stream ends for any reason. */
  readonly onClose?: () => void
  /** Serve as a body the Node host pipes into its response (written to directly) instead of a web ReadableStream. */
  readonly node?: boolean
}

const encoder = new TextEncoder()

/** Serialises one event in the `text/event-stream` wire format (data is one JSON line). */
export const formatSseEvent = (e: SseEvent): string => `${e.id !== undefined ? `id: ${e.id}\n` : ""}event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`

/** One event as the bytes written to the wire. */
export const encodeSseEvent = (e: SseEvent): Uint8Array => encoder.encode(formatSseEvent(e))

/** Headers of every event stream. */
export const sseHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no"
} as const

/**
 * A streaming `text/event-stream` Response: `retry:` first, then whatever the producer writes, a
 * comment heartbeat, and closing when the producer ends or fails or the client disconnects. The
 * buffer per client is bounded: past `highWaterBytes`, `write` returns false and the producer waits
 * for `resume` (called when the client has drained).
 */
export const createSseResponse = (start: (sink: SseSink) => SseProducer, options: SseOptions): Response | HTTPResponse =>
  options.node ? nodeSseResponse(start, options) : webSseResponse(start, options)

const failureComment = (reason: string) => encoder.encode(`: stream failed: ${reason.replace(/[\r\n]+/g, " ")}\n\n`)

/** The primitives a flavour of response body gives the shared event-stream lifecycle. */
interface SseChannel {
  /** Queues bytes; true while the client's buffer still has room. */
  readonly push: (bytes: Uint8Array) => boolean
  readonly hasRoom: () => boolean
  readonly close: () => void
}

/**
 * Starts an event stream on a channel: `retry:` first, the heartbeat, and a sink whose end/fail
 * close the channel once. Returns the producer and `finish`, which is true only the first time
 * the stream ends (so `onClose` and the producer's `cancel` happen exactly once).
 */
const openSse = (channel: SseChannel, start: (sink: SseSink) => SseProducer, options: SseOptions) => {
  let closed = false
  options.onOpen?.()
  channel.push(encoder.encode(`retry: ${options.retryMs}\n\n`))
  const heartbeat = setInterval(() => {
    if (!closed && channel.hasRoom()) channel.push(encoder.encode(": ping\n\n"))
  }, options.heartbeatMs)
  const finish = () => {
    if (closed) return false
    closed = true
    clearInterval(heartbeat)
    options.onClose?.()
    return true
  }
  const producer = start({
    write: bytes => !closed && channel.push(bytes),
    end: () => {
      if (finish()) channel.close()
    },
    fail: reason => {
      if (closed) return
      channel.push(failureComment(reason))
      if (finish()) channel.close()
    }
  })
  return { producer, finish }
}

/** What the Node host pipes a body into: its HTTP response. */
interface NodeDestination {
  write(chunk: Uint8Array): boolean
  end(): void
  readonly writableLength: number
  on(event: "drain", listener: () => void): unknown
  once(event: "close" | "error", listener: () => void): unknown
}

/**
 * The Node flavour: a body the host pipes into its response (`pipe(res)`); events are then written to
 * the response directly, with no stream in between (the cheapest path per client and per write, which
 * is what a fan-out to hundreds of clients pays). The producer starts when the host pipes, never for HEAD.
 */
const nodeSseResponse = (start: (sink: SseSink) => SseProducer, options: SseOptions): HTTPResponse => {
  const highWater = options.highWaterBytes ?? 256 * 1024
  let aborted = false
  const body = {
    pipe: <D extends NodeDestination>(res: D): D => {
      if (aborted) {
        res.end()
        return res
      }
      const hasRoom = () => res.writableLength < highWater
      /** Stop only when the response itself asks to wait (so its `drain` follows) and `highWater` is queued. */
      const push = (bytes: Uint8Array) => res.write(bytes) || hasRoom()
      const opened = openSse({ push, hasRoom, close: () => res.end() }, start, options)
      const gone = () => {
        if (opened.finish()) opened.producer.cancel()
      }
      res.once("close", gone)
      res.once("error", gone)
      res.on("drain", opened.producer.resume)
      return res
    },
    /** The host's HEAD path: nothing is sent. */
    abort: () => {
      aborted = true
    }
  }
  return new HTTPResponse(body as unknown as BodyInit, { status: 200, headers: sseHeaders })
}

const webSseResponse = (start: (sink: SseSink) => SseProducer, options: SseOptions): Response => {
  let opened: ReturnType<typeof openSse> | undefined
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const hasRoom = () => (controller.desiredSize ?? 0) > 0
        opened = openSse(
          {
            push: bytes => {
              controller.enqueue(bytes)
              return hasRoom()
            },
            hasRoom,
            close: () => controller.close()
          },
          start,
          options
        )
      },
      pull() {
        opened?.producer.resume()
      },
      cancel() {
        if (opened?.finish()) opened.producer.cancel()
      }
    },
    { highWaterMark: options.highWaterBytes ?? 256 * 1024, size: chunk => chunk.byteLength }
  )
  return new Response(body, { status: 200, headers: sseHeaders })
}
