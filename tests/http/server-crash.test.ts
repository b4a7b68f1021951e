import { spawn, type ChildProcess } from "node:child_process"
import { createHash, randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { createInterface } from "node:readline"
import { afterAll, describe, expect, it } from "vitest"
import { assertBuilt } from "../cli/cli-harness.js"
import { repoRoot, testTools, tokens } from "./support/test-server.js"
import { listTemporaryFiles } from "../../src/core/artifacts/local-artifact-store.js"

const childScript = path.join(repoRoot, "tests/http/fixtures/server-child.mjs")
const scratch = mkdtempSync(path.join(tmpdir(), "cts-crash-"))
const dataDir = path.join(scratch, "data")
const children: ChildProcess[] = []
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL")
  rmSync(scratch, { recursive: true, force: true })
})

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex")
const tempFiles = () => listTemporaryFiles(dataDir)

/** Starts the server process on `dataDir`; resolves with its URL once it listens. */
const startChild = async () => {
  const child = spawn(process.execPath, [childScript, dataDir, testTools], { stdio: ["ignore", "pipe", "inherit"] })
  children.push(child)
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve)
    child.once("exit", code => reject(new Error(`server process exited (${code}) before listening`)))
  })
  const url = (JSON.parse(line) as { url: string }).url
  const api = (p: string, init: RequestInit = {}) => fetch(url + p, { ...init, headers: { authorization: `Bearer ${tokens.alice}`, ...init.headers } })
  return { child, url, api }
}

const poll = async <T>(get: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 30_000): Promise<T> => {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await get()
    if (done(v)) return v
    if (Date.now() > end) throw new Error(`condition not reached: ${JSON.stringify(v).slice(0, 300)}`)
    await new Promise(r => setTimeout(r, 50))
  }
}

describe("SIGKILL of the server process", () => {
  it("during 3 runs: after a restart they are failed (interrupted), finished artifacts match their sha256, no temp files remain", async () => {
    assertBuilt()
    const first = await startChild()
    const input = randomBytes(3 * 1024 * 1024 + 17)
    const upload = await (await first.api("/v1/uploads?name=input.bin", { method: "POST", body: input })).json()
    expect(upload.sha256).toBe(sha(input))
    const submit = async (body: unknown) =>
      (await (await first.api("/v1/runs", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json()) as {
        id: string
      }
    const finished = await submit({ tool_id: "http-copy-input", input: { type: "upload", value: upload.id } })
    await poll(
      async () => (await (await first.api(`/v1/runs/${finished.id}`)).json()).status,
      s => s === "completed"
    )
    const [copy] = (await (await first.api(`/v1/runs/${finished.id}/artifacts`)).json()).items
    expect(copy.sha256).toBe(sha(input))

    const doomed = [await submit({ tool_id: "http-slow-write" }), await submit({ tool_id: "http-slow-write" }), await submit({ tool_id: "http-slow-write" })]
    for (const run of doomed) {
      await poll(
        async () => (await (await first.api(`/v1/runs/${run.id}/logs`)).json()).items.map((e: { message?: string }) => e.message),
        m => m.includes("writing")
      )
    }
    expect((await tempFiles()).length).toBeGreaterThanOrEqual(3)
    const killed = new Promise(resolve => first.child.once("exit", (_c, signal) => resolve(signal)))
    first.child.kill("SIGKILL")
    expect(await killed).toBe("SIGKILL")

    const second = await startChild()
    try {
      for (const run of doomed) {
        const record = await (await second.api(`/v1/runs/${run.id}`)).json()
        expect(record.status).toBe("failed")
        expect(record.error).toMatchObject({ code: "interrupted" })
        const logs = (await (await second.api(`/v1/runs/${run.id}/logs`)).json()) as { ended: boolean }
        expect(logs.ended).toBe(true)
      }
      const again = await (await second.api(`/v1/runs/${finished.id}`)).json()
      expect(again.status).toBe("completed")
      for (const id of [copy.id, upload.id]) {
        const meta = await (await second.api(`/v1/artifacts/${id}`)).json()
        const bytes = new Uint8Array(await (await second.api(`/v1/artifacts/${id}/download`)).arrayBuffer())
        expect(sha(bytes)).toBe(meta.sha256)
        expect(meta.sha256).toBe(sha(input))
      }
      expect(await tempFiles()).toEqual([])
      expect((await second.api("/v1/health")).status).toBe(200)
    } finally {
      const closed = new Promise(resolve => second.child.once("exit", resolve))
      second.child.kill("SIGTERM")
      await closed
    }
  }, 90_000)
})
