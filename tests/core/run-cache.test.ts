import { Deferred, Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { RunRecord, RunStatus } from "../../src/core/executor/executor.js"
import { createRunCache } from "../../src/core/store/run-cache.js"

const record = (id: string, status: RunStatus): RunRecord => ({
  id,
  toolId: "t",
  toolVersion: "1",
  name: null,
  owner: null,
  status,
  params: {},
  inputs: [],
  createdAt: "2024-01-01T00:00:00.000Z",
  startedAt: null,
  finishedAt: null,
  timeoutMs: 1000,
  progress: null,
  error: null,
  summary: null,
  artifactIds: []
})
const read = (cache: ReturnType<typeof createRunCache>, run: RunRecord | null) => Effect.runPromise(cache.readThrough(run?.id ?? "x", Effect.succeed(run)))

describe("createRunCache", () => {
  it("caches terminal runs read from the database, never a live run of another process", async () => {
    const cache = createRunCache()
    await read(cache, record("run_done", "completed"))
    await read(cache, record("run_foreign", "running"))
    expect(cache.get("run_done")?.status).toBe("completed")
    expect(cache.get("run_foreign")).toBeUndefined()
  })

  it("patches a run this process inserted, and a changed artifact list drops it", () => {
    const cache = createRunCache()
    cache.inserted(record("run_a", "queued"))
    cache.patched("run_a", { status: "running", startedAt: "2024-01-01T00:00:01.000Z" })
    cache.patched("run_a", { progress: { fraction: 0.5 } })
    expect(cache.get("run_a")).toMatchObject({ status: "running", startedAt: "2024-01-01T00:00:01.000Z", progress: { fraction: 0.5 } })
    cache.invalidate("run_a")
    expect(cache.get("run_a")).toBeUndefined()
  })

  it("does not cache a read that a write overtook", async () => {
    const cache = createRunCache()
    const gate = Effect.runSync(Deferred.make<void>())
    const stale = record("run_b", "completed")
    const reading = Effect.runPromise(cache.readThrough("run_b", Effect.as(Deferred.await(gate), stale)))
    cache.invalidate("run_b")
    Effect.runSync(Deferred.succeed(gate, undefined))
    expect(await reading).toBe(stale)
    expect(cache.get("run_b")).toBeUndefined()
    await read(cache, stale)
    expect(cache.get("run_b")).toBe(stale)
  })

  it("drops the least recently read runs past its capacity, but never a live run of this process", async () => {
    const cache = createRunCache(2)
    cache.inserted(record("run_live", "running"))
    await read(cache, record("run_1", "failed"))
    await read(cache, record("run_2", "failed"))
    await read(cache, record("run_3", "failed"))
    expect(cache.get("run_live")?.status).toBe("running")
    expect(cache.get("run_1")).toBeUndefined()
    expect(cache.get("run_2")).toBeUndefined()
    expect(cache.get("run_3")?.status).toBe("failed")
    expect(cache.size()).toBe(2)
  })
})
