import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assertBuilt, createSandbox, json, runCts, startServe, type Sandbox, type TestServer } from "./cli-harness.js"
import { repoRoot } from "../support/shared-data.js"

const demo = path.join(repoRoot, "examples/data/subaru_cruise_demo.rlog.zst")
const TOKEN = "cli-hints-token-0123456789abcdef"
const timedOut = ["run", "cruise-control-analyzer", "--path", demo, "--timeout", "0.001"]
const both = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr

describe("CLI hints name cts's own flags and commands, embedded and against a server", () => {
  let local: Sandbox
  let serverBox: Sandbox
  let server: TestServer
  let remote: NodeJS.ProcessEnv

  beforeAll(async () => {
    assertBuilt()
    local = await createSandbox()
    serverBox = await createSandbox()
    server = await startServe({ ...serverBox.env, CTS_INPUT_ROOTS: path.join(repoRoot, "examples/data"), CTS_TOKENS: `tester=${TOKEN}` })
    remote = { ...local.env, CTS_URL: server.url, CTS_TOKEN: TOKEN }
  })
  afterAll(async () => {
    await server?.stop()
    await serverBox?.cleanup()
    await local?.cleanup()
  })

  for (const where of ["embedded", "remote"] as const) {
    it(`a timed-out run (${where}) suggests --timeout, not timeoutMs or timeout_s`, async () => {
      const env = where === "embedded" ? local.env : remote
      const wait = where === "remote" ? ["--wait"] : []
      const human = await runCts([...timedOut, ...wait], { env })
      expect(human.code, human.stderr).toBe(3)
      expect(both(human)).toContain("[timeout]")
      expect(both(human)).toContain("--timeout SECONDS")
      expect(both(human)).not.toMatch(/timeoutMs|timeout_s/)
      const body = json(await runCts([...timedOut, ...wait, "--json"], { env }))
      expect(body.run.error.code).toBe("timeout")
      expect(body.run.error.suggested_actions).toEqual(["Run again with a larger --timeout SECONDS, or split the input."])
      const shown = await runCts(["runs", "get", body.run.id], { env })
      expect(shown.stdout).toMatch(/suggestion\S*\s+Run again with a larger --timeout SECONDS/)
    })
  }

  it("an unknown run id from the server names `cts runs list`, not a GET endpoint", async () => {
    const human = await runCts(["runs", "get", "run_doesnotexist"], { env: remote })
    expect(human.code).toBe(1)
    expect(both(human)).toContain("cts runs list")
    expect(both(human)).not.toMatch(/GET|endpoint/)
    const body = json(await runCts(["runs", "get", "run_doesnotexist", "--json"], { env: remote }))
    expect(body.error).toMatchObject({ code: "run_not_found", suggested_actions: ["Check the run id; `cts runs list` lists your runs."] })
    const artifact = json(await runCts(["art", "get", "art_doesnotexist", "--json"], { env: remote }))
    expect(artifact.error).toMatchObject({ code: "artifact_not_found", suggested_actions: [expect.stringContaining("cts art list")] })
  })
})
