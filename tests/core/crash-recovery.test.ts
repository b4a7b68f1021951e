import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import path from "node:path"
import { createInterface } from "node:readline"
import { afterAll, describe, expect, it } from "vitest"
import { createCts } from "../../src/adapters/sdk/create-cts.js"
import { listTemporaryFiles } from "../../src/core/artifacts/local-artifact-store.js"
import { collect, demoRlog, readAll, repoRoot, sleep, tempDir, testToolsModule } from "./helpers.js"

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex")
const tmp = tempDir("crash")
afterAll(() => tmp.cleanup())

describe("crash recovery", () => {
  it("after SIGKILL mid-run, a restart marks unfinished runs interrupted and keeps finished artifacts intact", async () => {
    const dataDir = path.join(tmp.dir, "data")
    const child = spawn(process.execPath, [path.join(repoRoot, "tests/core/fixtures/crash-child.mjs"), dataDir, testToolsModule, demoRlog], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    const exited = new Promise<NodeJS.Signals | null>(resolve => child.on("exit", (_code, signal) => resolve(signal)))
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once("line", resolve)
      child.once("exit", () => reject(new Error("child exited early")))
    })
    const ids = JSON.parse(line) as { completed: string; running: string; queued: string }
    await sleep(300)
    const leftBehind = await listTemporaryFiles(dataDir)
    expect(leftBehind).toHaveLength(1)
    expect(leftBehind[0]!.startsWith(`${child.pid}.`)).toBe(true)
    child.kill("SIGKILL")
    expect(await exited).toBe("SIGKILL")

    const cts = await createCts({ dataDir, extraToolModules: [testToolsModule] })
    try {
      for (const id of [ids.running, ids.queued]) {
        const run = await cts.get(id)
        expect(run.status).toBe("failed")
        expect(run.error).toMatchObject({ category: "tool_error", code: "interrupted" })
        expect((await collect(cts.logs(id))).at(-1)).toMatchObject({ type: "end", status: "failed" })
      }
      const completed = await cts.get(ids.completed)
      expect(completed.status).toBe("completed")
      const [copy] = await cts.artifacts(ids.completed)
      const bytes = await readAll((await cts.download(copy!.id)).body)
      expect(sha(bytes)).toBe(sha(readFileSync(demoRlog)))
      expect(copy!.sha256).toBe(sha(readFileSync(demoRlog)))
      expect(copy!.partial).toBeUndefined()
      const interruptedArtifacts = await cts.artifacts(ids.running)
      expect(interruptedArtifacts.map(a => [a.name, a.partial])).toEqual([["first.txt", true]])
      expect((await readAll((await cts.download(interruptedArtifacts[0]!.id)).body)).toString()).toBe("complete before the slow one\n")
      expect(await listTemporaryFiles(dataDir)).toEqual([])
    } finally {
      await cts.close()
    }
  })
})
