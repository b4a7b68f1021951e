import { Effect, Layer } from "effect"
import { isRedisQueue } from "../config-rules.js"
import { CtsConfig } from "../config.js"
import type { CtsError } from "../errors.js"
import { RunQueue } from "./run-queue.js"

/**
 * The RunQueue the config's `queue` names: BullMQ on Redis for a `redis://` URL (loaded only then),
 * else `RunQueue.layerMemory`. `consume` (true in `cts worker`) makes this node take runs from a
 * shared queue; a node that does not consume only submits. An in-process queue is always consumed.
 */
export const RunQueueFromConfig = (consume = false): Layer.Layer<RunQueue, CtsError, CtsConfig> =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const config = yield* CtsConfig
      if (!isRedisQueue(config.queue)) return RunQueue.layerMemory
      const { layerBullMQ } = yield* Effect.promise(() => import("./bullmq-run-queue.js"))
      return layerBullMQ({ url: config.queue, consume, concurrency: config.concurrency })
    })
  )
