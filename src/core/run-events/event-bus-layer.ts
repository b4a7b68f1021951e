import { Effect, Layer } from "effect"
import { isRedisQueue } from "../config-rules.js"
import { CtsConfig } from "../config.js"
import type { CtsError } from "../errors.js"
import type { RunStore } from "../store/run-store.js"
import { EventBus } from "./event-bus.js"

/**
 * The EventBus the config's `queue` implies: Redis pub/sub when the queue is on Redis (loaded only
 * then), else `EventBus.layerStore()` (in-process notices plus a store poll while runs are followed).
 */
export const EventBusFromConfig: Layer.Layer<EventBus, CtsError, CtsConfig | RunStore> = Layer.unwrapEffect(
  Effect.gen(function* () {
    const config = yield* CtsConfig
    if (!isRedisQueue(config.queue)) return EventBus.layerStore()
    const { layerRedisEventBus } = yield* Effect.promise(() => import("./redis-event-bus.js"))
    return layerRedisEventBus({ url: config.queue })
  })
)
