import { hostname } from "node:os"
import path from "node:path"
import { describe, expect, it, layer } from "@effect/vitest"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { afterAll } from "vitest"
import { Executor, RunService } from "../../src/core/executor/executor.js"
import { makeRunServiceLayer } from "../../src/core/executor/executor-live.js"
import { RunQueue } from "../../src/core/executor/run-queue.js"
import { ToolRunner } from "../../src/core/executor/tool-runner.js"
import { EventBus } from "../../src/core/run-events/event-bus.js"
import { LogStream } from "../../src/core/run-events/log-stream.js"
import { makeCtsLayer, type CtsLayerOverrides, type CtsServices } from "../../src/core/runtime.js"
import { layerMemory } from "../../src/core/store/memory-run-store.js"
import { RunStore } from "../../src/core/store/run-store.js"
import type { ToolDefinition } from "../../src/core/tools/define-tool.js"
import type { RunRecord } from "../../src/model/run.js"
import { tempDir, testToolsModule } from "./helpers.js"

const tmp = tempDir("run-service")
afterAll(tmp.cleanup)
const testTools = Object.values((await import(testToolsModule)) as Record<string, ToolDefinition>)
const LEASES = { leaseMs: 400, renewMs: 100, sweepMs: 100 }

/** The memory layers: runs in in-process maps, in-process notices, a FIFO in memory, tools on the test's own thread. */
const memory: CtsLayerOverrides = {
  runStore: layerMemory(),
  eventBus: EventBus.layerMemory(),
  runQueue: RunQueue.layerMemory,
  toolRunner: ToolRunner.layerInProcess(testTools),
  runService: { leases: LEASES }
}
const core = (dir: string) =>
  makeCtsLayer({ dataDir: path.join(tmp.dir, dir), concurrency: 1, inputRoots: null, extraToolModules: [testToolsModule], env: {} }, memory)

const appender = (name: string) => ({ toolId: "test-appender", input: [], params: { file: path.join(tmp.dir, name), everyMs: 10 } })
const eventsOf = (id: string) =>
  Effect.flatMap(LogStream, l => l.read(id, 0, 100)).pipe(Effect.map(es => es.map(e => `${e.type}:${"status" in e ? e.status : ""}`)))
const waitFor = (id: string, status: RunRecord["status"]) =>
  Effect.gen(function* () {
    const runs = yield* RunService
    for (let i = 0; i < 200; i++) {
      if ((yield* runs.get(id)).status === status) return
      yield* Effect.sleep("20 millis")
    }
    throw new Error(`run ${id} never reached ${status}`)
  })

layer(core("submit"), { excludeTestServices: true })("RunService over the memory layers", it => {
  it.effect("submit validates, queues, runs and records the result", () =>
    Effect.gen(function* () {
      const runs = yield* RunService
      const queued = yield* runs.submit({ toolId: "test-params", input: [], params: { count: 3 } })
      expect(queued).toMatchObject({ status: "queued", params: { count: 3, mode: "fast" }, startedAt: null })
      const done = yield* runs.await(queued.id)
      expect(done).toMatchObject({ status: "completed", summary: { params: { count: 3, mode: "fast" } }, error: null })
      expect(yield* eventsOf(queued.id)).toEqual(["status:queued", "status:running", "status:completed", "end:completed"])
      const refused = yield* Effect.flip(runs.submit({ toolId: "test-params", input: [], params: { count: "three" } }))
      expect(refused).toMatchObject({ _tag: "ValidationError", code: "invalid_param" })
    })
  )

  it.effect("cancel of a running run stops it (canceled), and of a queued one before it starts", () =>
    Effect.gen(function* () {
      const runs = yield* RunService
      const running = yield* runs.submit(appender("cancel-a.txt"))
      const queued = yield* runs.submit(appender("cancel-b.txt"))
      yield* waitFor(running.id, "running")
      expect((yield* runs.get(queued.id)).status).toBe("queued")
      expect(yield* runs.cancel(queued.id)).toMatchObject({ outcome: "canceled", run: { status: "canceled", startedAt: null } })
      expect(yield* runs.cancel(running.id)).toMatchObject({ outcome: "canceled", run: { status: "canceled" } })
      expect(yield* runs.cancel(running.id)).toMatchObject({ outcome: "already_finished" })
      expect(yield* eventsOf(queued.id)).toEqual(["status:queued", "status:canceled", "end:canceled"])
    })
  )

  it.effect("a run that outlives its timeout is stopped and recorded failed with code timeout", () =>
    Effect.gen(function* () {
      const runs = yield* RunService
      const run = yield* runs.submit({ ...appender("timeout.txt"), timeoutMs: 150 })
      const done = yield* runs.await(run.id)
      expect(done).toMatchObject({ status: "failed", error: { category: "tool_error", code: "timeout" } })
    })
  )

  it.effect("keeps its own lease renewed: a long run outlives many lease lengths and is never recovered", () =>
    Effect.gen(function* () {
      const runs = yield* RunService
      const run = yield* runs.submit(appender("long.txt"))
      yield* waitFor(run.id, "running")
      yield* Effect.sleep(LEASES.leaseMs * 4)
      expect((yield* runs.get(run.id)).status).toBe("running")
      const lease = (yield* Effect.flatMap(RunStore, s => s.leasedRuns)).find(l => l.id === run.id)!
      expect(Date.parse(lease.expiresAt)).toBeGreaterThan(Date.now())
      yield* runs.cancel(run.id)
    })
  )
})

const orphan = (id: string, status: RunRecord["status"]): RunRecord => ({
  id,
  toolId: "test-params",
  toolVersion: "1.2.3",
  name: null,
  owner: null,
  status,
  params: { count: 1 },
  inputs: [],
  createdAt: new Date().toISOString(),
  startedAt: status === "running" ? new Date().toISOString() : null,
  finishedAt: null,
  timeoutMs: 5000,
  progress: null,
  error: null,
  summary: null,
  artifactIds: []
})

describe("crash recovery by leases", () => {
  /** The store and everything below the RunService, shared by two RunService instances (as two processes would share a data dir). */
  const shared = makeCtsLayer({ dataDir: path.join(tmp.dir, "leases"), concurrency: 1, inputRoots: null, extraToolModules: [testToolsModule], env: {} }, memory)
  /** A second RunService (own queue, own lease owner id) over the same store, log stream and artifacts: as a second process on one data dir. */
  const secondRunService = (services: Context.Context<CtsServices>) => {
    const sharedServices = Layer.succeedContext(services)
    return makeRunServiceLayer({ leases: LEASES }).pipe(
      // its own queue: the shared context carries the first RunService's queue too, and the later layer wins
      Layer.provide(Layer.mergeAll(sharedServices, ToolRunner.layerInProcess(testTools).pipe(Layer.provide(sharedServices)), RunQueue.layerMemory))
    )
  }

  layer(shared, { excludeTestServices: true })(it => {
    it.effect("an expired lease of a dead owner elsewhere is recovered (worker_lost); a live owner's lease is not touched", () =>
      Effect.gen(function* () {
        const store = yield* RunStore
        const past = new Date(Date.now() - 1000).toISOString()
        const future = new Date(Date.now() + 60_000).toISOString()
        yield* store.insertRun(orphan("run_deadowner000000001", "running"), "other-host/4242:dead", past)
        yield* store.insertRun(orphan("run_liveowner000000001", "running"), "other-host/4343:live", future)
        yield* store.insertRun(orphan("run_goneinstance000001", "queued"), `${hostname()}/${process.pid}:closedinstance`, future)
        yield* Effect.sleep(LEASES.sweepMs * 4)
        const runs = yield* Executor
        expect(yield* runs.get("run_deadowner000000001")).toMatchObject({ status: "failed", error: { category: "system_error", code: "worker_lost" } })
        expect((yield* eventsOf("run_deadowner000000001")).slice(-2)).toEqual(["status:failed", "end:failed"])
        expect(yield* runs.get("run_liveowner000000001")).toMatchObject({ status: "running", error: null })
        expect(yield* runs.get("run_goneinstance000001")).toMatchObject({ status: "failed", error: { code: "interrupted" } })
        const live = (yield* store.leasedRuns).find(l => l.id === "run_liveowner000000001")
        expect(live).toEqual({ id: "run_liveowner000000001", status: "running", owner: "other-host/4343:live", expiresAt: future })
      })
    )

    it.effect("a run another RunService executes is left alone while that one lives (renewing its lease), and ends interrupted when it closes", () =>
      Effect.gen(function* () {
        const mine = yield* RunService
        const scope = yield* Scope.make()
        const other = Context.get(yield* Layer.buildWithScope(secondRunService(yield* Effect.context<CtsServices>()), scope), Executor)
        const run = yield* other.submit(appender("other.txt"))
        yield* Effect.sleep(LEASES.leaseMs * 3)
        expect((yield* mine.get(run.id)).status).toBe("running")
        yield* Scope.close(scope, Exit.void)
        const after = yield* mine.get(run.id)
        expect(after).toMatchObject({ status: "failed", error: { code: "interrupted" } })
      })
    )
  })
})
