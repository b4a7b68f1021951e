/**
 * A push-to-pull bridge for artifact bodies: the producer `push`es chunks (waiting while the consumer
 * is behind, so memory stays bounded) and `end`s; the consumer iterates `body`.
 */
export const createPushBody = <T>(highWater = 4) => {
  const items: T[] = []
  let ended = false
  let wakeConsumer: (() => void) | null = null
  let wakeProducer: (() => void) | null = null
  let stopped = false
  async function* body(): AsyncGenerator<T> {
    try {
      for (;;) {
        while (items.length === 0 && !ended) await new Promise<void>(r => (wakeConsumer = r))
        if (items.length === 0) return
        yield items.shift()!
        wakeProducer?.()
      }
    } finally {
      stopped = true
      wakeProducer?.()
    }
  }
  return {
    body: body(),
    /** Adds a chunk; waits while `highWater` chunks are queued. No-op once the consumer stopped. */
    async push(item: T): Promise<void> {
      if (stopped) return
      items.push(item)
      wakeConsumer?.()
      while (items.length > highWater && !stopped) await new Promise<void>(r => (wakeProducer = r))
    },
    end(): void {
      ended = true
      wakeConsumer?.()
    }
  }
}
