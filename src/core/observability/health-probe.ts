import { randomBytes } from "node:crypto"
import { rm, writeFile } from "node:fs/promises"
import path from "node:path"
import { Effect } from "effect"
import { CtsConfig } from "../config.js"
import { Executor } from "../executor/executor.js"
import { ToolRegistry } from "../registry/tool-registry.js"

/** What `checkHealth` found; `ok` is false when any check failed. */
export interface HealthReport {
  readonly ok: boolean
  readonly storage: { readonly ok: boolean; readonly dataDir: string; readonly error?: string }
  readonly registry: { readonly ok: boolean; readonly tools: number }
  readonly executor: { readonly queued: number; readonly running: number }
}

/** Probes the services: the data dir accepts a write, the registry has tools, and the executor's queue depth. */
export const checkHealth: Effect.Effect<HealthReport, never, CtsConfig | ToolRegistry | Executor> = Effect.gen(function* () {
  const config = yield* CtsConfig
  const registry = yield* ToolRegistry
  const executor = yield* Executor
  const probe = path.join(config.dataDir, `.health-${randomBytes(6).toString("hex")}`)
  const storage = yield* Effect.tryPromise(async () => {
    await writeFile(probe, "ok")
    await rm(probe, { force: true })
  }).pipe(
    Effect.as({ ok: true, dataDir: config.dataDir }),
    Effect.catchAll((e) => Effect.succeed({ ok: false, dataDir: config.dataDir, error: String((e.error as Error)?.message ?? e.error) }))
  )
  const tools = (yield* registry.list).length
  const depth = yield* executor.queueDepth
  return {
    ok: storage.ok && tools > 0,
    storage,
    registry: { ok: tools > 0, tools },
    executor: { queued: depth.queued, running: depth.running }
  }
})
