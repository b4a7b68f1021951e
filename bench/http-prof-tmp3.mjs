import { Effect, ManagedRuntime, Exit } from "effect"
import { makeCtsLayer, Executor } from "../dist/index.js"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
const dir = mkdtempSync(path.join(tmpdir(), "cts-micro-"))
const rt = ManagedRuntime.make(makeCtsLayer({ dataDir: dir, extraToolModules: [new URL("./http-tools.mjs", import.meta.url).href] }))
const run = await rt.runPromise(Effect.flatMap(Executor, (e) => e.submit({ toolId: "bench-emit-clock", params: { lines: 1, everyMs: 0, delayMs: 0 }, input: [] })))
await rt.runPromise(Effect.flatMap(Executor, (e) => e.await(run.id)))
const get = Effect.flatMap(Executor, (e) => e.get(run.id))
for (let round = 0; round < 2; round++) {
  let t = performance.now()
  for (let i = 0; i < 5000; i++) await rt.runPromiseExit(get)
  console.log("runPromiseExit get µs", ((performance.now() - t) / 5000 * 1000).toFixed(1))
  t = performance.now()
  let sync = 0
  for (let i = 0; i < 5000; i++) { const e = rt.runSyncExit(get); if (Exit.isSuccess(e)) sync++ }
  console.log("runSyncExit get µs", ((performance.now() - t) / 5000 * 1000).toFixed(1), "sync ok", sync)
  t = performance.now()
  for (let i = 0; i < 5000; i++) await rt.runPromiseExit(Effect.void)
  console.log("runPromiseExit void µs", ((performance.now() - t) / 5000 * 1000).toFixed(1))
}
await rt.dispose()
