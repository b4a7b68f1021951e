import { ValidationError } from "../../core/errors.js"

/** The slowest a request body may arrive: at least `minBytes` in every `windowMs`. */
export interface BodyPace {
  readonly windowMs: number
  readonly minBytes: number
}

const TIMED_OUT = Symbol("timed out")

const tooSlow = (what: string, pace: BodyPace) =>
  new ValidationError({
    code: "request_body_timeout",
    message: `The ${what} arrived slower than ${pace.minBytes} bytes per ${pace.windowMs} ms; the server stopped waiting for it.`,
    suggestedAction: "Send the body without pauses (a stalled or trickling connection is closed); the limits are CTS_BODY_TIMEOUT_MS and CTS_BODY_MIN_BYTES.",
    details: { window_ms: pace.windowMs, min_bytes: pace.minBytes }
  })

/**
 * Passes `chunks` through, failing with `request_body_timeout` when a window of `pace.windowMs`
 * brings fewer than `pace.minBytes` (a stalled or slowloris body). A body that ends is never failed.
 */
export async function* pacedBody(chunks: AsyncIterable<Uint8Array>, pace: BodyPace, what: string): AsyncGenerator<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]()
  let windowEnd = Date.now() + pace.windowMs
  let inWindow = 0
  let pending: Promise<IteratorResult<Uint8Array>> | null = null
  for (;;) {
    pending ??= iterator.next()
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<typeof TIMED_OUT>(resolve => (timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, windowEnd - Date.now()))))
    const next = await Promise.race([pending, deadline]).finally(() => clearTimeout(timer))
    if (next === TIMED_OUT) {
      if (inWindow < pace.minBytes) {
        pending.catch(() => undefined)
        throw tooSlow(what, pace)
      }
      windowEnd = Date.now() + pace.windowMs
      inWindow = 0
      continue
    }
    pending = null
    if (next.done) return
    inWindow += next.value.byteLength
    yield next.value
  }
}
