import path from "node:path"
import { Context, Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ArtifactStore } from "../../src/core/artifacts/artifact-store.js"
import { Executor, type RunRecord, type RunStatus } from "../../src/core/executor/executor.js"
import { scanRunStatistics, type RunStatistics } from "../../src/core/observability/run-statistics.js"
import { CtsConfigLive, makeCtsLayer, type CtsServices } from "../../src/core/runtime.js"
import { RunStore } from "../../src/core/store/run-store.js"
import { RunStoreSqlite } from "../../src/core/store/sqlite-run-store.js"
import { demoRlog, tempDir, testToolsModule, until } from "./helpers.js"

const tmp = tempDir("run-cache")
const dataDir = path.join(tmp.dir, "data")
const open = () => ManagedRuntime.make(makeCtsLayer({ dataDir, concurrency: 2, inputRoots: null, extraToolModules: [testToolsModule] }))
let rt: ManagedRuntime.ManagedRuntime<CtsServices, unknown>
beforeAll(() => void (rt = open()))
afterAll(async () => {
  await rt.dispose()
  tmp.cleanup()
})

const core = <A>(effect: Effect.Effect<A, unknown, CtsServices>) => rt.runPromise(effect)
const get = (id: string) => core(Effect.flatMap(Executor, e => e.get(id)))
const submit = (toolId: string, params: Record<string, unknown>, extra: { timeoutMs?: number; input?: string } = {}) =>
  core(
    Effect.flatMap(Executor, e =>
      e.submit({ toolId, params, input: extra.input ? { type: "path", path: extra.input } : [], ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}) })
    )
  )

/** What a second store on the same database (its own, empty cache) reads: the persisted truth. */
const persisted = <A>(use: (store: Context.Tag.Service<RunStore>) => Effect.Effect<A, unknown>) =>
  Effect.runPromise(
    Effect.scoped(Effect.flatMap(Layer.build(RunStoreSqlite.pipe(Layer.provide(CtsConfigLive({ dataDir }, {})))), ctx => use(Context.get(ctx, RunStore))))
  )
const expectCoherent = async (id: string): Promise<RunRecord> => {
  const served = await get(id)
  expect(served).toEqual(await persisted(s => s.getRun(id)))
  return served
}

/** For a run that is changing: the served record equals a stored one read right after it (a few tries, since a write may land in between). */
const expectCoherentWhileLive = async (id: string) => {
  for (let i = 0; ; i++) {
    const served = await get(id)
    const stored = await persisted(s => s.getRun(id))
    if (i === 4 || JSON.stringify(served) === JSON.stringify(stored)) return expect(served).toEqual(stored)
  }
}

const sorted = (stats: RunStatistics) => ({
  counts: [...stats.counts].sort((a, b) => `${a.toolId}${a.status}`.localeCompare(`${b.toolId}${b.status}`)),
  durations: [...stats.durations].sort((a, b) => `${a.toolId}${a.status}`.localeCompare(`${b.toolId}${b.status}`))
})
const liveFigures = () => core(Effect.flatMap(RunStore, s => s.statistics!))
const scannedFigures = () => core(scanRunStatistics)

describe("run record cache", () => {
  it("serves what is stored through progress, completion, artifact writes and deletion", async () => {
    const run = await submit("test-chatty", {}, { input: demoRlog })
    await until(async () => (await get(run.id)).progress !== null)
    await expectCoherentWhileLive(run.id)
    const done = await core(Effect.flatMap(Executor, e => e.await(run.id)))
    expect(done).toMatchObject({ status: "completed", progress: { fraction: 1, note: "step 5" } })
    expect(done.artifactIds).toHaveLength(1)
    expect(await expectCoherent(run.id)).toEqual(done)
    await core(Effect.flatMap(ArtifactStore, s => s.delete(done.artifactIds[0]!)))
    expect((await expectCoherent(run.id)).artifactIds).toEqual([])
  })

  it("follows a canceled queued run, a canceled running run and a timed-out run", async () => {
    const running = [await submit("test-appender", { file: path.join(tmp.dir, "a.txt") }), await submit("test-appender", { file: path.join(tmp.dir, "b.txt") })]
    const queued = await submit("test-params", { count: 1 })
    await until(async () => (await get(running[1]!.id)).status === "running")
    expect((await expectCoherent(queued.id)).status).toBe("queued")
    expect((await core(Effect.flatMap(Executor, e => e.cancel(queued.id)))).outcome).toBe("canceled")
    expect(await expectCoherent(queued.id)).toMatchObject({ status: "canceled", startedAt: null })
    for (const r of running) {
      expect((await expectCoherent(r.id)).status).toBe("running")
      await core(Effect.flatMap(Executor, e => e.cancel(r.id)))
      expect(await expectCoherent(r.id)).toMatchObject({ status: "canceled" })
    }
    const slow = await submit("test-appender", { file: path.join(tmp.dir, "c.txt") }, { timeoutMs: 300 })
    await core(Effect.flatMap(Executor, e => e.await(slow.id)))
    expect(await expectCoherent(slow.id)).toMatchObject({ status: "failed", error: { code: "timeout" } })
    const failed = await submit("test-fail", {})
    await core(Effect.flatMap(Executor, e => e.await(failed.id)))
    expect(await expectCoherent(failed.id)).toMatchObject({ status: "failed", error: { code: "demo_failure" } })
  })

  it("keeps run figures equal to the stored runs, and after a restart with crash recovery", async () => {
    expect(sorted(await liveFigures())).toEqual(sorted(await scannedFigures()))
    const count = (stats: RunStatistics, toolId: string, status: RunStatus) => stats.counts.find(c => c.toolId === toolId && c.status === status)?.count ?? 0
    const before = await liveFigures()
    expect(count(before, "test-appender", "canceled")).toBe(2)
    expect(count(before, "test-appender", "failed")).toBe(1)
    expect(count(before, "test-params", "canceled")).toBe(1)
    expect(count(before, "test-chatty", "completed")).toBe(1)

    const echo = await submit("test-params", { count: 2 })
    const template = await core(Effect.flatMap(Executor, e => e.await(echo.id)))
    const orphan: RunRecord = {
      ...template,
      id: "run_orphan0000000000",
      status: "running",
      startedAt: new Date().toISOString(),
      finishedAt: null,
      summary: null
    }
    await core(Effect.flatMap(RunStore, s => s.insertRun(orphan, "2147483646:gone")))
    await rt.dispose()
    rt = open()
    const recovered = await expectCoherent(orphan.id)
    expect(recovered).toMatchObject({ status: "failed", error: { code: "interrupted" } })
    const after = await liveFigures()
    expect(sorted(after)).toEqual(sorted(await scannedFigures()))
    expect(count(after, "test-params", "failed")).toBe(1)
    expect(count(after, "test-params", "running")).toBe(0)
    const afterRestart = await persisted(s => s.statistics!)
    expect(sorted(afterRestart)).toEqual(sorted(after))
  })
})
