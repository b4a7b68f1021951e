import { existsSync, readFileSync, statSync } from "node:fs"
import { createRequire } from "node:module"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { createCts, type CtsClient } from "../../src/adapters/sdk/create-cts.js"
import { collect, tempDir, testToolsModule, until } from "./helpers.js"

const Database = createRequire(import.meta.url)("better-sqlite3") as new (
  file: string
) => {
  exec: (sql: string) => void
  prepare: (sql: string) => { run: (...params: ReadonlyArray<unknown>) => unknown; all: (...params: ReadonlyArray<unknown>) => Array<Record<string, unknown>> }
  close: () => void
}

const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : 0)
const lastStamp = (file: string) =>
  Math.max(
    ...readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map(line => Number(line.split(" ")[1]))
  )

/** Two clients on one data dir: `owner` executes the runs, `other` only reaches them through the store. */
const pair = async (concurrency: number) => {
  const { dir, cleanup } = tempDir("remote-cancel")
  const options = { dataDir: path.join(dir, "data"), concurrency, extraToolModules: [testToolsModule] }
  const owner: CtsClient = await createCts(options)
  const other: CtsClient = await createCts(options)
  return { dir, owner, other, close: async () => (await other.close(), await owner.close(), cleanup()) }
}

describe("cancel of a run another client (process) executes on the same data dir", () => {
  it("a running run: the owner stops it within 1 s and records `canceled`; both clients agree", async () => {
    const p = await pair(1)
    try {
      const file = path.join(p.dir, "running.txt")
      const run = await p.owner.submit("test-appender", { input: [], params: { file, everyMs: 20 } })
      await until(() => sizeOf(file) > 0, 30_000)
      const asked = Date.now()
      const outcome = await p.other.cancel(run.id)
      expect(Date.now() - asked).toBeLessThan(1000)
      expect(lastStamp(file)).toBeLessThan(asked + 1000)
      expect(outcome).toMatchObject({ outcome: "canceled", run: { id: run.id, status: "canceled", error: null } })
      expect(await p.owner.wait(run.id)).toMatchObject({ status: "canceled" })
      const events = await collect(p.owner.logs(run.id))
      expect(events.filter(e => e.type === "status").map(e => (e as { status: string }).status)).toEqual(["queued", "running", "canceled"])
      expect(events.at(-1)).toMatchObject({ type: "end", status: "canceled" })
      expect((await p.other.cancel(run.id)).outcome).toBe("already_finished")
    } finally {
      await p.close()
    }
  })

  it("a queued run (behind another) is canceled without ever starting; the one ahead keeps running", async () => {
    const p = await pair(1)
    try {
      const ahead = await p.owner.submit("test-appender", { input: [], params: { file: path.join(p.dir, "ahead.txt") } })
      const queued = await p.owner.submit("test-appender", { input: [], params: { file: path.join(p.dir, "queued.txt") } })
      const outcome = await p.other.cancel(queued.id)
      expect(outcome).toMatchObject({ outcome: "canceled", run: { status: "canceled", startedAt: null } })
      expect(existsSync(path.join(p.dir, "queued.txt"))).toBe(false)
      expect((await p.owner.get(ahead.id)).status).toBe("running")
      expect((await p.owner.cancel(ahead.id)).outcome).toBe("canceled")
    } finally {
      await p.close()
    }
  })

  it("the store migration adds the cancel column to a data dir made by the first schema, keeping its runs", async () => {
    const { dir, cleanup } = tempDir("migrate")
    const dataDir = path.join(dir, "data")
    const first = await createCts({ dataDir, extraToolModules: [testToolsModule] })
    const done = await first.submit("test-params", { input: [], params: { count: 1 } })
    await first.wait(done.id)
    await first.close()
    const db = new Database(path.join(dataDir, "cts.sqlite"))
    db.exec("ALTER TABLE runs DROP COLUMN cancel_requested_at; PRAGMA user_version = 1")
    db.close()

    const reopened = await createCts({ dataDir, extraToolModules: [testToolsModule] })
    try {
      expect(await reopened.get(done.id)).toMatchObject({ id: done.id, status: "completed" })
      expect((await reopened.cancel(done.id)).outcome).toBe("already_finished")
      const check = new Database(path.join(dataDir, "cts.sqlite"))
      const columns = check
        .prepare("SELECT name FROM pragma_table_info('runs')")
        .all()
        .map(r => r.name)
      const version = check.prepare("PRAGMA user_version").all()[0]
      check.close()
      expect(columns).toContain("cancel_requested_at")
      expect(version).toEqual({ user_version: 3 })
    } finally {
      await reopened.close()
      cleanup()
    }
  })
})
