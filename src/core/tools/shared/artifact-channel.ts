import type { ArtifactMeta } from "../../artifacts/artifact-store.js"
import type { ArtifactMetadata, ToolContext } from "../define-tool.js"

/** A push-fed artifact: text is appended as it is produced and streamed to the store. */
export interface ArtifactChannel {
  /** Appends text; the promise resolves once the store has caught up (backpressure). */
  readonly push: (text: string) => Promise<void> | undefined
  /** Ends the artifact; resolves with its metadata once stored. */
  readonly close: () => Promise<ArtifactMeta>
  /** Aborts the write with an error. */
  readonly fail: (error: unknown) => void
}

const HIGH_WATER = 1 << 20
const CHUNK = 1 << 16

/**
 * Opens an artifact whose body is pushed, so several artifacts can be written while one pass
 * streams over the input (one CSV per message). The producer waits when more than 1 MiB is queued
 * and the store is reading; a store that reads the bodies one after another never deadlocks it.
 */
export const openArtifactChannel = (
  ctx: Pick<ToolContext<unknown>, "artifacts">,
  name: string,
  contentType: string,
  metadata: ArtifactMetadata
): ArtifactChannel => {
  const queue: string[] = []
  let pending = ""
  let queued = 0
  let closed = false
  let failure: { error: unknown } | undefined
  let consumerStarted = false
  let wakeConsumer: (() => void) | undefined
  let drained: { promise: Promise<void>; resolve: () => void } | undefined

  const wake = () => {
    const w = wakeConsumer
    wakeConsumer = undefined
    w?.()
  }
  const flushPending = () => {
    if (pending.length > 0) {
      queue.push(pending)
      pending = ""
      wake()
    }
  }
  const body: AsyncIterable<string> = {
    [Symbol.asyncIterator]: async function* () {
      consumerStarted = true
      for (;;) {
        if (failure) throw failure.error
        const next = queue.shift()
        if (next !== undefined) {
          queued -= next.length
          if (drained && queued < HIGH_WATER / 2) {
            drained.resolve()
            drained = undefined
          }
          yield next
          continue
        }
        if (closed) return
        await new Promise<void>(resolve => (wakeConsumer = resolve))
      }
    }
  }
  let storeFailure: { error: unknown } | undefined
  const done = ctx.artifacts.write(name, contentType, body, metadata)
  done.catch(error => {
    storeFailure = { error }
    drained?.resolve()
  })

  return {
    push: text => {
      if (storeFailure) throw storeFailure.error
      pending += text
      queued += text.length
      if (pending.length >= CHUNK) flushPending()
      if (consumerStarted && queued > HIGH_WATER) {
        if (!drained) {
          let resolve!: () => void
          const promise = new Promise<void>(r => (resolve = r))
          drained = { promise, resolve }
        }
        return drained.promise
      }
      return undefined
    },
    close: () => {
      flushPending()
      closed = true
      wake()
      return done
    },
    fail: error => {
      failure = { error }
      closed = true
      drained?.resolve()
      wake()
    }
  }
}
