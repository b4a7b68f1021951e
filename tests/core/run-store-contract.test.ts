import path from "node:path"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { ArtifactMeta } from "../../src/core/artifacts/artifact-store.js"
import type { RunRecord } from "../../src/core/executor/executor.js"
import type { RunEvent } from "../../src/core/run-events/log-stream.js"
import { createMemoryRunDatabase, layerMemory } from "../../src/core/store/memory-run-store.js"
import { RunStorePostgres } from "../../src/core/store/pg-run-store.js"
import { NO_LEASE_EXPIRY, RunStore, type RunStoreService } from "../../src/core/store/run-store.js"
import { RunStoreSqlite } from "../../src/core/store/sqlite-run-store.js"
import { freshPgDatabase, pgUrl } from "../support/services.js"
import { testConfigLayer } from "../support/test-config.js"
import { tempDir } from "./helpers.js"

/** A backend under test: `open()` gives a new store (its own connection and cache) on one shared database. */
interface Backend {
  readonly name: string
  readonly setup: () => Promise<{ readonly layer: () => Layer.Layer<RunStore, unknown>; readonly teardown: () => Promise<void> }>
}

const sqlite: Backend = {
  name: "SQLite",
  setup: async () => {
    const tmp = tempDir("store-contract")
    return { layer: () => RunStoreSqlite.pipe(Layer.provide(testConfigLayer(path.join(tmp.dir, "data")))), teardown: async () => tmp.cleanup() }
  }
}
const memory: Backend = {
  name: "memory",
  setup: async () => {
    const database = createMemoryRunDatabase()
    return { layer: () => layerMemory({ database }), teardown: async () => {} }
  }
}
const pg = pgUrl()
const postgres: Backend = {
  name: "PostgreSQL",
  setup: async () => {
    const db = await freshPgDatabase(pg!)
    return { layer: () => RunStorePostgres(db.url, { maxConnections: 4 }), teardown: db.drop }
  }
}

const run = (id: string, over: Partial<RunRecord> = {}): RunRecord => ({
  id,
  toolId: "tool-a",
  toolVersion: "1.0.0",
  name: null,
  owner: "alice",
  status: "queued",
  params: { n: 1, big: "12345678901234567890" },
  inputs: [{ name: "in.rlog", size: 10, sha256: null, ref: { type: "path", path: "/x/in.rlog" } }] as unknown as RunRecord["inputs"],
  createdAt: "2026-01-01T00:00:00.000Z",
  startedAt: null,
  finishedAt: null,
  timeoutMs: 600_000,
  progress: null,
  error: null,
  summary: null,
  artifactIds: [],
  ...over
})
const art = (id: string, key: string, over: Partial<ArtifactMeta> = {}): ArtifactMeta => ({
  id,
  key,
  runId: null,
  name: key.split("/").pop()!,
  size: 5,
  sha256: "ab".repeat(32),
  contentType: "text/plain",
  createdAt: "2026-01-01T00:00:00.000Z",
  ...over
})
const log = (runId: string, seq: number, message: string): RunEvent => ({
  type: "log",
  runId,
  seq,
  time: "2026-01-01T00:00:01.000Z",
  level: "info",
  source: "tool",
  message
})

for (const backend of [sqlite, postgres, memory]) {
  describe.skipIf(backend === postgres && !pg)(`RunStore contract on ${backend.name}`, () => {
    let scope: Scope.CloseableScope
    let teardown: () => Promise<void>
    let open: () => Promise<RunStoreService>
    let a: RunStoreService
    let b: RunStoreService
    beforeAll(async () => {
      const s = await backend.setup()
      teardown = s.teardown
      scope = Effect.runSync(Scope.make())
      open = () => Effect.runPromise(Effect.map(Layer.buildWithScope(s.layer(), scope), ctx => Context.get(ctx, RunStore)))
      ;[a, b] = await Promise.all([open(), open()])
    })
    afterAll(async () => {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      await teardown()
    })
    const $ = <A>(e: Effect.Effect<A, unknown>) => Effect.runPromise(e)

    it("stores runs and serves them back, filtered and paged newest first", async () => {
      for (let i = 1; i <= 5; i++) await $(a.insertRun(run(`run_p${i}`, { toolId: i % 2 ? "tool-a" : "tool-b", owner: i < 3 ? "alice" : "bob" }), "1:x"))
      expect(await $(b.getRun("run_p1"))).toEqual(run("run_p1"))
      expect(await $(b.getRun("run_none"))).toBeNull()
      const first = await $(b.listRuns({ limit: 2 }))
      expect(first.items.map(r => r.id)).toEqual(["run_p5", "run_p4"])
      const second = await $(b.listRuns({ limit: 2, cursor: first.nextCursor! }))
      expect(second.items.map(r => r.id)).toEqual(["run_p3", "run_p2"])
      const last = await $(b.listRuns({ limit: 2, cursor: second.nextCursor! }))
      expect([last.items.map(r => r.id), last.nextCursor]).toEqual([["run_p1"], null])
      expect((await $(b.listRuns({ toolId: "tool-b" }))).items.map(r => r.id)).toEqual(["run_p4", "run_p2"])
      expect((await $(b.listRuns({ owner: "bob", toolId: "tool-a" }))).items.map(r => r.id)).toEqual(["run_p5", "run_p3"])
    })

    it("applies patches, seen by a second connection; an unleased running run counts as leased by its host, long expired", async () => {
      await $(a.insertRun(run("run_u1"), "11:aaa"))
      await $(a.insertRun(run("run_u2"), "12:bbb"))
      await $(a.updateRun("run_u1", { status: "running", startedAt: "2026-01-01T00:00:02.000Z", progress: { fraction: 0.5, note: "half" } }))
      await $(
        a.updateRun("run_u2", {
          status: "completed",
          startedAt: "2026-01-01T00:00:02.000Z",
          finishedAt: "2026-01-01T00:00:05.000Z",
          summary: { frames: 10n as unknown as number }
        })
      )
      const seen = await $(b.getRun("run_u1"))
      expect(seen).toMatchObject({ status: "running", startedAt: "2026-01-01T00:00:02.000Z", progress: { fraction: 0.5, note: "half" } })
      expect((await $(b.getRun("run_u2")))?.summary).toEqual({ frames: "10" })
      const unfinished = (await $(b.leasedRuns)).filter(u => u.id.startsWith("run_u"))
      expect(unfinished).toEqual([{ id: "run_u1", status: "running", owner: "11:aaa", expiresAt: NO_LEASE_EXPIRY }])
    })

    it("keeps artifact metadata: keys unique, sizes above 4 GiB exact, listing by prefix, run and cursor, partial flags and deletion", async () => {
      await $(a.insertRun(run("run_a1"), "1:x"))
      const big = art("art_01", "runs/run_a1/big.bin", { runId: "run_a1", size: 5 * 1024 ** 3 + 7, metadata: { tool: "t", n: 2 } })
      await $(a.insertArtifact(big))
      await $(a.insertArtifact(art("art_02", "runs/run_a1/small.txt", { runId: "run_a1" })))
      await $(a.insertArtifact(art("art_03", "uploads/u1/in.rlog")))
      await expect($(b.insertArtifact(art("art_04", "uploads/u1/in.rlog")))).rejects.toThrow(/Run database error: .*unique/i)
      expect(await $(b.getArtifact("art_01"))).toEqual(big)
      expect(await $(b.getArtifactByKey("uploads/u1/in.rlog"))).toEqual(art("art_03", "uploads/u1/in.rlog"))
      expect((await $(b.getRun("run_a1")))?.artifactIds).toEqual(["art_01", "art_02"])
      expect((await $(b.listArtifacts({ prefix: "runs/run_a1/" }))).items.map(m => m.id)).toEqual(["art_01", "art_02"])
      expect((await $(b.listArtifacts({ prefix: "runs/run_a1/b" }))).items.map(m => m.id)).toEqual(["art_01"])
      const page = await $(b.listArtifacts({ limit: 2 }))
      expect([page.items.map(m => m.id), page.nextCursor]).toEqual([["art_01", "art_02"], "art_02"])
      expect((await $(b.listArtifacts({ cursor: "art_02" }))).items.map(m => m.id)).toEqual(["art_03"])
      await $(b.markRunArtifactsPartial("run_a1"))
      expect((await $(a.getArtifact("art_02")))?.partial).toBe(true)
      expect((await $(a.getArtifact("art_03")))?.partial).toBeUndefined()
      await $(b.deleteArtifact("art_02"))
      expect(await $(a.getArtifact("art_02"))).toBeNull()
      expect((await $(b.getRun("run_a1")))?.artifactIds).toEqual(["art_01"])
    })

    it("numbers events per run: one row per seq across connections, read in order after a seq, last seqs per run", async () => {
      const writes = Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).insertEvent(log("run_e1", i + 1, `line ${i + 1}`)))
      await $(Effect.all(writes, { concurrency: "unbounded" }))
      await $(a.insertEvent({ type: "end", runId: "run_e2", seq: 1, time: "2026-01-01T00:00:09.000Z", status: "completed" }))
      const clash = await Promise.allSettled([$(a.insertEvent(log("run_e1", 21, "from a"))), $(b.insertEvent(log("run_e1", 21, "from b")))])
      expect(clash.map(c => c.status).sort()).toEqual(["fulfilled", "rejected"])
      const events = await $(b.readEvents("run_e1", 0, 100))
      expect(events.map(e => e.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1))
      expect(events[4]).toEqual(log("run_e1", 5, "line 5"))
      expect((await $(a.readEvents("run_e1", 18, 2))).map(e => e.seq)).toEqual([19, 20])
      expect(await $(a.lastSeq("run_e1"))).toBe(21)
      expect(await $(a.lastSeq("run_none"))).toBe(0)
      expect(await $(b.lastSeqs(["run_e1", "run_e2", "run_none"]))).toEqual(
        new Map([
          ["run_e1", 21],
          ["run_e2", 1]
        ])
      )
      expect((await $(b.readEvents("run_e2", 0, 10)))[0]).toEqual({
        type: "end",
        runId: "run_e2",
        seq: 1,
        time: "2026-01-01T00:00:09.000Z",
        status: "completed"
      })
    })

    it("records a cancel request from another connection only while the run is queued or running", async () => {
      await $(a.insertRun(run("run_c1"), "1:x"))
      await $(a.insertRun(run("run_c2"), "1:x"))
      await $(a.insertRun(run("run_c3", { status: "completed", finishedAt: "2026-01-01T00:00:03.000Z" }), "1:x"))
      await $(a.updateRun("run_c2", { status: "running" }))
      expect(await $(b.requestCancel("run_c1"))).toBe(true)
      expect(await $(b.requestCancel("run_c2"))).toBe(true)
      expect(await $(b.requestCancel("run_c3"))).toBe(false)
      expect(await $(b.requestCancel("run_missing"))).toBe(false)
      expect([...(await $(a.cancelRequested(["run_c1", "run_c2", "run_c3", "run_p1"])))].sort()).toEqual(["run_c1", "run_c2"])
    })

    it("finds expired artifacts: of finished runs, of vanished runs, and uploads no live run uses", async () => {
      await $(a.insertRun(run("run_x1", { status: "completed", finishedAt: "2026-01-02T00:00:00.000Z" }), "1:x"))
      await $(a.insertRun(run("run_x2", { inputs: [{ ref: { type: "artifact", id: "art_x5" } }] as unknown as RunRecord["inputs"] }), "1:x"))
      await $(a.insertArtifact(art("art_x1", "runs/run_x1/a", { runId: "run_x1" })))
      await $(a.insertArtifact(art("art_x2", "runs/gone/a", { runId: "run_gone" })))
      await $(a.insertArtifact(art("art_x3", "runs/run_x2/a", { runId: "run_x2" })))
      await $(a.insertArtifact(art("art_x4", "uploads/x4/a")))
      await $(a.insertArtifact(art("art_x5", "uploads/x5/a")))
      await $(a.insertArtifact(art("art_x6", "uploads/x6/a", { createdAt: "2026-02-01T00:00:00.000Z" })))
      const due = await $(b.expiredArtifacts("2026-01-10T00:00:00.000Z", "art_x", 100))
      expect(due.map(m => m.id)).toEqual(["art_x1", "art_x2", "art_x4"])
      expect((await $(b.expiredArtifacts("2026-01-10T00:00:00.000Z", "art_x1", 1))).map(m => m.id)).toEqual(["art_x2"])
    })

    it("counts runs per tool and status in a store opened on existing data, and follows status changes", async () => {
      const fresh = await open()
      const count = (s: RunStoreService, tool: string, status: string) =>
        $(s.statistics!).then(st => st.counts.find(c => c.toolId === tool && c.status === status)?.count ?? 0)
      const queued = await count(fresh, "tool-b", "queued")
      expect(queued).toBe(2)
      await $(fresh.insertRun(run("run_s1", { toolId: "tool-b" }), "1:x"))
      await $(fresh.updateRun("run_s1", { status: "running", startedAt: "2026-01-01T00:00:00.000Z" }))
      await $(fresh.updateRun("run_s1", { status: "completed", finishedAt: "2026-01-01T00:00:04.000Z" }))
      expect([await count(fresh, "tool-b", "queued"), await count(fresh, "tool-b", "completed")]).toEqual([2, 1])
    })
  })
}
