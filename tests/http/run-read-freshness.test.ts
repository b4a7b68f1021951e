import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sendRaw } from "./support/raw-request.js"
import { expectError, jsonInit, startTestServer, tokens, waitForRun, type TestServer } from "./support/test-server.js"

// GET /v1/runs/:id answers from the in-memory run cache and reuses the encoded JSON of an unchanged
// record. These tests read a run over and over while it changes and check every answer against the
// run as GET /v1/runs lists it (an SQL query that neither cache serves), so a stale answer fails them.

interface Run extends Record<string, unknown> {
  id: string
  status: string
  progress: { fraction: number } | null
  finished_at: string | null
  summary: unknown
  artifact_ids: string[]
}
const order = ["queued", "running", "completed", "failed", "canceled"]

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server?.stop()
})

const getRun = async (id: string, who: keyof typeof tokens = "alice"): Promise<Run> => {
  const res = await server.api(`/v1/runs/${id}`, { who })
  expect(res.status).toBe(200)
  return (await res.json()) as Run
}
/** The run as the list route reads it from the store. */
const listed = async (id: string, who: keyof typeof tokens = "alice"): Promise<Run> => {
  const page = (await (await server.api("/v1/runs?limit=500", { who })).json()) as { items: Run[] }
  const run = page.items.find(r => r.id === id)
  if (run === undefined) throw new Error(`run ${id} not listed for ${who}`)
  return run
}

describe("GET /v1/runs/:id never answers with an outdated run", () => {
  it("follows a run through queued, running (progress) and completed, and then equals the stored run", async () => {
    const { id } = (await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 150, everyMs: 2 } }))).json()) as Run
    const seen: Run[] = []
    for (;;) {
      const run = await getRun(id)
      seen.push(run)
      if (run.status === "completed") break
      expect(["queued", "running"]).toContain(run.status)
    }
    for (let i = 1; i < seen.length; i++) {
      expect(order.indexOf(seen[i]!.status)).toBeGreaterThanOrEqual(order.indexOf(seen[i - 1]!.status))
      expect(seen[i]!.progress?.fraction ?? 0).toBeGreaterThanOrEqual(seen[i - 1]!.progress?.fraction ?? 0)
    }
    expect(seen.some(r => r.status === "running" && (r.progress?.fraction ?? 0) > 0 && (r.progress?.fraction ?? 0) < 1)).toBe(true)
    const done = seen.at(-1)!
    expect(done.summary).toEqual({ lines: 150 })
    expect(done.artifact_ids).toHaveLength(1)
    expect(done.finished_at).not.toBeNull()
    expect(await getRun(id)).toEqual(await listed(id))
  })

  it("shows a cancel at once, though the running run was just read many times", async () => {
    const { id } = (await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-spin", params: { ms: 60_000 } }))).json()) as Run
    for (;;) {
      const run = await getRun(id)
      if (run.status === "running") break
      await new Promise(r => setTimeout(r, 10))
    }
    for (let i = 0; i < 50; i++) expect((await getRun(id)).status).toBe("running")
    const cancel = (await (await server.api(`/v1/runs/${id}`, { method: "DELETE" })).json()) as { outcome: string; run: Run }
    expect(cancel.outcome).toBe("canceled")
    const after = await getRun(id)
    expect(after.status).toBe("canceled")
    expect(after.finished_at).not.toBeNull()
    expect(after).toEqual(await listed(id))
    const again = (await (await server.api(`/v1/runs/${id}`, { method: "DELETE" })).json()) as { outcome: string; run: Run }
    expect(again.outcome).toBe("already_finished")
    expect(again.run).toEqual(after)
  })

  it("answers another principal 404 for a run its owner just read, and each owner sees only its own", async () => {
    const alices = (await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 1 } }))).json()) as Run
    const bobs = (await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 2 } }, "bob"))).json()) as Run
    await waitForRun(server, alices.id, "alice")
    await waitForRun(server, bobs.id, "bob")
    for (let i = 0; i < 20; i++) {
      expect((await getRun(alices.id, "alice")).summary).toEqual({ lines: 1 })
      const foreign = await expectError(await server.api(`/v1/runs/${alices.id}`, { who: "bob" }), 404, "run_not_found")
      const unknown = await expectError(await server.api(`/v1/runs/${alices.id.slice(0, -1)}x`, { who: "bob" }), 404, "run_not_found")
      expect(foreign.message.replace(alices.id, "<id>")).toBe(unknown.message.replace(`${alices.id.slice(0, -1)}x`, "<id>"))
      expect((await getRun(bobs.id, "bob")).summary).toEqual({ lines: 2 })
      await expectError(await server.api(`/v1/runs/${bobs.id}`, { who: "alice" }), 404, "run_not_found")
    }
    await expectError(await server.api(`/v1/runs/${alices.id}`, { who: null }), 401)
    await expectError(await server.api(`/v1/runs/${alices.id}`, { headers: { authorization: "Bearer not-a-token-of-this-server" } }), 401)
  })

  it("builds the links of each answer from that request's own address, not from the answer cached for another", async () => {
    const { id } = (await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 1 } }))).json()) as Run
    await waitForRun(server, id)
    const port = new URL(server.url).port
    const selfLink = async (host: string) => {
      const res = await sendRaw(server.url, { method: "GET", path: `/v1/runs/${id}`, headers: { host, authorization: `Bearer ${tokens.alice}` } })
      expect(res.status).toBe(200)
      expect(res.headers["x-content-type-options"]).toBe("nosniff")
      expect(res.headers["cache-control"]).toBe("no-store")
      expect(res.headers["content-type"]).toBe("application/json;charset=UTF-8")
      expect(Number(res.headers["content-length"])).toBe(Buffer.byteLength(res.body))
      return (JSON.parse(res.body) as { links: { self: string } }).links.self
    }
    for (let i = 0; i < 3; i++) {
      expect(await selfLink(`127.0.0.1:${port}`)).toBe(`http://127.0.0.1:${port}/v1/runs/${id}`)
      expect(await selfLink(`localhost:${port}`)).toBe(`http://localhost:${port}/v1/runs/${id}`)
      expect(await selfLink("attacker.example")).toBe(`/v1/runs/${id}`)
    }
  })
})
