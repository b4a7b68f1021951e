import { spawn } from "node:child_process"
import path from "node:path"
import { createInterface } from "node:readline"
import { createRequire } from "node:module"
import { afterAll, describe, expect, it } from "vitest"
import { repoRoot, tempDir } from "./helpers.js"

const Database = createRequire(import.meta.url)("better-sqlite3") as new (
  file: string,
  options?: { readonly?: boolean }
) => {
  prepare: (sql: string) => { all: () => Array<unknown>; get: () => unknown }
  close: () => void
}
const tmp = tempDir("migration")
afterAll(() => tmp.cleanup())

const child = (dataDir: string) => {
  const proc = spawn(process.execPath, [path.join(repoRoot, "tests/core/fixtures/open-store-child.mjs"), dataDir], { stdio: ["pipe", "pipe", "inherit"] })
  const line = new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once("line", resolve)
    proc.once("exit", code => reject(new Error(`child exited (${code}) before answering`)))
  })
  return { go: () => proc.stdin!.end("go\n"), result: line.then(l => JSON.parse(l) as { ok: boolean; error?: string }) }
}

describe("run store migration", () => {
  it("four processes opening one new data dir at the same moment all succeed, and the schema is complete once", async () => {
    const dataDir = path.join(tmp.dir, "fresh")
    const children = Array.from({ length: 4 }, () => child(dataDir))
    await new Promise(r => setTimeout(r, 1500))
    for (const c of children) c.go()
    const results = await Promise.all(children.map(c => c.result))
    expect(results).toEqual(results.map(() => ({ ok: true, runs: 0 })))
    const db = new Database(path.join(dataDir, "cts.sqlite"), { readonly: true })
    try {
      expect(db.prepare("PRAGMA user_version").get()).toEqual({ user_version: 3 })
      const columns = (db.prepare("SELECT name FROM pragma_table_info('runs')").all() as Array<{ name: string }>).map(c => c.name)
      expect(columns.filter(c => ["cancel_requested_at", "lease_owner", "lease_expires_at"].includes(c))).toEqual([
        "cancel_requested_at",
        "lease_owner",
        "lease_expires_at"
      ])
    } finally {
      db.close()
    }
  }, 60_000)
})
