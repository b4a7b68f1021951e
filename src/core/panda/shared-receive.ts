import type { CanFrame } from "../can/can-frame.js"

/** Batches a subscriber may fall behind the fastest one before the oldest are dropped (and counted). */
const MAX_QUEUED_BATCHES = 4096

/** One reader of a shared receive loop. */
export interface ReceiveSubscriber {
  /** The next batch: a queued one, else one new transfer (may be empty); rejects with the loop's error once the queue is drained. */
  next(): Promise<ReadonlyArray<CanFrame>>
  /** Batches dropped because this subscriber fell more than 4096 batches behind. */
  readonly dropped: () => number
  /** Stops receiving. */
  unsubscribe(): void
}

/**
 * One receive loop of a device fanned out to every subscriber: whoever needs a batch and finds its
 * queue empty reads one transfer, and every batch read goes to all subscribers' queues. A read error
 * (e.g. `device_lost`) reaches each subscriber after the batches queued before it.
 */
export const createSharedReceive = (read: () => Promise<ReadonlyArray<CanFrame>>) => {
  interface Sub {
    queue: Array<ReadonlyArray<CanFrame>>
    dropped: number
  }
  const subs = new Set<Sub>()
  let inFlight: Promise<ReadonlyArray<CanFrame>> | null = null
  let failure: { error: unknown } | null = null

  const readOnce = (): Promise<ReadonlyArray<CanFrame>> => {
    inFlight ??= read().then(
      batch => {
        inFlight = null
        if (batch.length > 0)
          for (const s of subs) {
            s.queue.push(batch)
            if (s.queue.length > MAX_QUEUED_BATCHES) s.queue.shift(), s.dropped++
          }
        return batch
      },
      (error: unknown) => {
        inFlight = null
        failure ??= { error }
        throw error
      }
    )
    return inFlight
  }

  return {
    /** Number of subscribers. */
    size: () => subs.size,
    subscribe(): ReceiveSubscriber {
      const sub: Sub = { queue: [], dropped: 0 }
      subs.add(sub)
      return {
        async next() {
          for (;;) {
            const queued = sub.queue.shift()
            if (queued) return queued
            if (failure) throw failure.error
            const batch = await readOnce().catch(() => undefined)
            if (batch !== undefined && batch.length === 0 && sub.queue.length === 0) return batch
          }
        },
        dropped: () => sub.dropped,
        unsubscribe() {
          subs.delete(sub)
        }
      }
    }
  }
}
