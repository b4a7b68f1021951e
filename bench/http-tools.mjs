// Tools the HTTP benchmark runs, registered through `extraToolModules` (plain JavaScript for the worker threads).
import { createHash } from "node:crypto"
import { performance } from "node:perf_hooks"
import { Effect, Schema } from "effect"

const base = { category: "analyzer", version: "0.0.1", inputs: [], outputs: [] }
const sleep = ms => new Promise(r => setTimeout(r, ms))

/** After `delayMs`, logs `lines` lines `everyMs` apart; each message is the wall-clock time (ms, fractional) it was logged at. */
export const emitClock = {
  ...base,
  id: "bench-emit-clock",
  name: "Emit clock",
  description: "Logs timestamps",
  params: Schema.Struct({ lines: Schema.Number, everyMs: Schema.Number, delayMs: Schema.Number }),
  run: ctx =>
    Effect.promise(async () => {
      await sleep(ctx.params.delayMs)
      for (let i = 0; i < ctx.params.lines && !ctx.signal.aborted; i++) {
        ctx.log("info", String(performance.timeOrigin + performance.now()))
        await sleep(ctx.params.everyMs)
      }
      return { summary: { lines: ctx.params.lines } }
    })
}

/** Hashes in a tight loop for `ms` (checking for cancel between slices). */
export const burn = {
  ...base,
  id: "bench-burn",
  name: "Burn",
  description: "CPU-heavy loop",
  params: Schema.Struct({ ms: Schema.Number }),
  run: ctx =>
    Effect.sync(() => {
      const end = Date.now() + ctx.params.ms
      let digest = Buffer.alloc(32)
      let rounds = 0
      while (Date.now() < end && !ctx.signal.aborted) {
        for (let i = 0; i < 5000; i++) digest = createHash("sha256").update(digest).digest()
        rounds++
      }
      return { summary: { rounds } }
    })
}
