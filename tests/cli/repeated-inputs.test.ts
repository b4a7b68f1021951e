import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assertBuilt, createSandbox, json, runCts, startServe, type Sandbox, type TestServer } from "./cli-harness.js"
import { repoRoot, rlogPath } from "../support/shared-data.js"

const files = [path.join(repoRoot, "examples/data/subaru_cruise_demo.rlog.zst"), rlogPath("bad/unknown_union.rlog"), rlogPath("bad/truncated.rlog.zst")]
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex")
/** 30 picks of the two small files in a fixed, irregular order. */
const picks = Array.from({ length: 30 }, (_, i) => 1 + ((i * 7 + Math.floor(i / 4)) % 2))

const modes: Array<{ name: string; env: () => NodeJS.ProcessEnv }> = []
let box: Sandbox
let serverBox: Sandbox
let server: TestServer
const TOKEN = "repeat-test-token-0123456789abcdef"

beforeAll(async () => {
  assertBuilt()
  box = await createSandbox()
  serverBox = await createSandbox()
  server = await startServe({ ...serverBox.env, CTS_TOKENS: `tester=${TOKEN}` })
})
afterAll(async () => {
  await server?.stop()
  await box?.cleanup()
  await serverBox?.cleanup()
})
modes.push({ name: "embedded", env: () => box.env }, { name: "remote", env: () => ({ ...box.env, CTS_URL: server.url, CTS_TOKEN: TOKEN }) })

describe.each(modes)("repeated input flags ($name)", ({ env }) => {
  it("--upload A --upload B --upload C gives a run with the three inputs, in order", async () => {
    const order = [files[1]!, files[0]!, files[2]!]
    const result = await runCts(["run", "rlog-to-csv", ...order.flatMap(f => ["--upload", f]), "--wait", "--json"], { env: env() })
    expect(result.code, result.stderr).toBe(0)
    const run = json(result).run
    expect(run.status).toBe("completed")
    expect(run.inputs.map((i: any) => [i.name, i.sha256])).toEqual(order.map(f => [path.basename(f), sha256(f)]))
  }, 120_000)

  it("30 × --artifact gives a run with 30 inputs, in the order given", async () => {
    const ids: Array<string> = []
    for (const f of files) {
      const up = await runCts(["upload", f, "--json"], { env: env() })
      expect(up.code, up.stderr).toBe(0)
      ids.push(json(up).id)
    }
    const args = picks.flatMap(p => ["--artifact", ids[p]!])
    const result = await runCts(["run", "rlog-to-csv", ...args, "-p", "window_dur=0.01", "--wait", "--json"], { env: env() })
    expect(result.code, result.stderr).toBe(0)
    const run = json(result).run
    expect(run.inputs).toHaveLength(30)
    expect(run.inputs.map((i: any) => i.sha256)).toEqual(picks.map(p => sha256(files[p]!)))
  }, 180_000)

  it("a single-value flag given twice is refused before any run is made", async () => {
    const newest = async () => json(await runCts(["runs", "list", "--json"], { env: env() })).items[0]?.id
    const before = await newest()
    const result = await runCts(["run", "rlog-to-csv", "--path", files[0]!, "--name", "a", "--name", "b", "--json"], { env: env() })
    expect(result.code).toBe(1)
    expect(json(result).error.code).toBe("duplicate_flag")
    expect(await newest()).toBe(before)
  }, 60_000)
})
