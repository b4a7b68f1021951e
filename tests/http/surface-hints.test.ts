import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectError, jsonInit, startTestServer, waitForRun, type TestServer } from "./support/test-server.js"

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => server?.stop())

describe("HTTP hints name the API's own fields and endpoints", () => {
  it("a timed-out run suggests a larger timeout_s, not timeoutMs or --timeout", async () => {
    const res = await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-spin", params: { ms: 10_000 }, timeout_s: 0.3 }))
    expect(res.status).toBe(202)
    const run = (await waitForRun(server, (await res.json()).id)) as unknown as { error: { code: string; suggested_actions: string[] } }
    expect(run.error.code).toBe("timeout")
    expect(run.error.suggested_actions).toHaveLength(1)
    expect(run.error.suggested_actions[0]).toContain("timeout_s")
    expect(run.error.suggested_actions[0]).not.toMatch(/timeoutMs|--timeout/)
  })

  it("an unknown run or artifact id names the listing endpoint", async () => {
    const run = await expectError(await server.api("/v1/runs/run_doesnotexist"), 404, "run_not_found")
    expect(run.suggested_actions).toEqual(["Check the run id; list yours with GET /v1/runs."])
    const artifact = await expectError(await server.api("/v1/artifacts/art_doesnotexist"), 404, "artifact_not_found")
    expect(artifact.suggested_actions[0]).toContain("GET /v1/runs/{id}/artifacts")
    for (const hint of [...run.suggested_actions, ...artifact.suggested_actions]) expect(hint).not.toMatch(/matching GET endpoint|cts (runs|art) list/)
  })
})
