import { Effect } from "effect"
import { CtsConfig } from "./config.js"
import { Executor } from "./executor/executor.js"
import { VERSION } from "./version.js"
import { ToolRegistry, type ToolInfo } from "./registry/tool-registry.js"

/** What this core offers: its version, tools (params as JSON Schema), limits and current queue. */
export interface CtsCapabilities {
  readonly version: string
  readonly tools: ReadonlyArray<ToolInfo>
  readonly limits: {
    readonly concurrency: number
    readonly defaultTimeoutMs: number
    /** True when path inputs must lie under configured input roots. */
    readonly inputRootsRestricted: boolean
    readonly retentionDays: number | null
  }
  readonly queue: { readonly queued: number; readonly running: number }
}

/** The capabilities every surface reports (SDK `capabilities()`, `GET /v1/capabilities`), built in one place. */
export const describeCapabilities: Effect.Effect<CtsCapabilities, never, CtsConfig | ToolRegistry | Executor> = Effect.gen(function* () {
  const config = yield* CtsConfig
  const tools = yield* Effect.flatMap(ToolRegistry, r => r.list)
  const queue = yield* Effect.flatMap(Executor, e => e.queueDepth)
  return {
    version: VERSION,
    tools,
    limits: {
      concurrency: config.concurrency,
      defaultTimeoutMs: config.defaultTimeoutMs,
      inputRootsRestricted: config.inputRoots !== null,
      retentionDays: config.retentionDays
    },
    queue
  }
})
