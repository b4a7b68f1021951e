import { createHash } from "node:crypto"
import { existsSync, readFileSync, statSync } from "node:fs"
import path from "node:path"
import { Context, Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createCts } from "../../src/adapters/sdk/create-cts.js"
import { runTool } from "../../src/adapters/sdk/run-tool.js"
import { RunStorePostgres } from "../../src/core/store/pg-run-store.js"
import { RunStore, type RunStoreService } from "../../src/core/store/run-store.js"
import { collect, demoRlog, tempDir, testToolsModule, until } from "../core/helpers.js"
import { freshPgDatabase, pgUrl } from "../support/services.js"

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex")
const pg = pgUrl()

/** Reads the database directly, through a store of its own (no cache shared with the clients). */
const stored = <A>(url: string, use: (s: RunStoreService) => Effect.Effect<A, unknown>) =>
  Effect.runPromise(Effect.scoped(Effect.flatMap(Layer.build(RunStorePostgres(url)), ctx => use(Context.get(ctx, RunStore)))))

describe.skipIf(!pg)("whole runs through the SDK with the PostgreSQL run store", () => {
  const tmp = tempDir("pg-run")
  let db: { url: string; drop: () => Promise<void> }
  const config = () => ({ dataDir: path.join(tmp.dir, "data"), store: db.url, extraToolModules: [testToolsModule] })
  beforeAll(async () => void (db = await freshPgDatabase(pg!)))
  afterAll(async () => {
    await db.drop()
    tmp.cleanup()
  })

  it("runTool completes; the run record, its events and its artifact's metadata are in PostgreSQL and match the input", async () => {
    const expected = sha(readFileSync(demoRlog))
    const result = await runTool("test-chatty", { input: demoRlog, outDir: path.join(tmp.dir, "out"), config: config() })
    expect(result.status).toBe("completed")
    expect(result.summary).toEqual({ copies: [expected], inputs: [expected] })
    const { run, events, artifact } = await stored(db.url, s =>
      Effect.all({ run: s.getRun(result.runId), events: s.readEvents(result.runId, 0, 10_000), artifact: s.getArtifact(result.artifacts[0]!.id) })
    )
    expect(run).toMatchObject({
      id: result.runId,
      toolId: "test-chatty",
      status: "completed",
      inputs: [{ name: path.basename(demoRlog), size: statSync(demoRlog).size, sha256: expected }]
    })
    expect(run!.artifactIds).toEqual([result.artifacts[0]!.id])
    expect(artifact).toMatchObject({
      runId: result.runId,
      name: "copy-0.bin",
      size: statSync(demoRlog).size,
      sha256: expected,
      key: `runs/${result.runId}/copy-0.bin`
    })
    expect(events.map(e => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1))
    expect(events.filter(e => e.type === "status").map(e => (e as { status: string }).status)).toEqual(["queued", "running", "completed"])
    expect(events.at(-1)).toMatchObject({ type: "end", status: "completed" })
    expect(events.some(e => e.type === "log" && e.message === "console says 42")).toBe(true)
  })

  it("the real analyzer on an uploaded log gives the same artifacts as with the SQLite store (result JSON byte-identical)", async () => {
    const outputs = async (options: Record<string, unknown>) => {
      const cts = await createCts(options)
      try {
        const upload = await cts.upload(demoRlog)
        const run = await cts.submit("cruise-control-analyzer", { input: { type: "artifact", id: upload.id } })
        const done = await cts.wait(run.id)
        expect(done.status).toBe("completed")
        return Object.fromEntries((await cts.artifacts(run.id)).map(a => [a.name, a.sha256]))
      } finally {
        await cts.close()
      }
    }
    const onPg = await outputs(config())
    const onSqlite = await outputs({ dataDir: path.join(tmp.dir, "sqlite-data") })
    expect(Object.keys(onPg).sort()).toEqual(Object.keys(onSqlite).sort())
    // The CSV, analysis_meta and config_snapshot files name the run and input ids, so only the result JSON is compared byte for byte.
    const results = Object.keys(onPg).filter(n => n.endsWith(".json") && !n.endsWith(".analysis_meta.json") && n !== "config_snapshot.json")
    expect(results.length).toBeGreaterThan(3)
    for (const name of results) expect([name, onPg[name]]).toEqual([name, onSqlite[name]])
  })

  it("a cancel asked through a second client on the same database stops the run within 1 s", async () => {
    const owner = await createCts({ ...config(), concurrency: 1 })
    const other = await createCts({ ...config(), dataDir: path.join(tmp.dir, "other-data") })
    try {
      const file = path.join(tmp.dir, "appender.txt")
      const run = await owner.submit("test-appender", { input: [], params: { file, everyMs: 20 } })
      await until(() => existsSync(file) && statSync(file).size > 0)
      const asked = Date.now()
      expect(await other.cancel(run.id)).toMatchObject({ outcome: "canceled", run: { status: "canceled" } })
      expect(Date.now() - asked).toBeLessThan(1000)
      expect(await owner.wait(run.id)).toMatchObject({ status: "canceled" })
      const events = await collect(other.logs(run.id))
      expect(events.map(e => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1))
      expect(events.at(-1)).toMatchObject({ type: "end", status: "canceled" })
      expect((await other.cancel(run.id)).outcome).toBe("already_finished")
    } finally {
      await other.close()
      await owner.close()
    }
  })
})
