import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectError, jsonInit, startTestServer, waitForRun, type TestServer } from "./support/test-server.js"

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => server?.stop())

const submit = async (body: unknown, who: "alice" | "bob" = "alice") => server.api("/v1/runs", jsonInit("POST", body, who))

describe("system endpoints", () => {
  it("reports health without credentials", async () => {
    const res = await server.api("/v1/health", { who: null })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toMatchObject({ status: "ok", storage: { ok: true }, registry: { ok: true }, executor: { queued: 0, running: 0 } })
    expect(body.registry.tools).toBeGreaterThanOrEqual(3)
  })

  it("reports the version", async () => {
    const body = await (await server.api("/v1/version", { who: null })).json()
    expect(body).toMatchObject({ name: "cts-lite", api: "v1" })
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/)
  })

  it("lists tools with params as JSON Schema, and needs credentials for it", async () => {
    await expectError(await server.api("/v1/capabilities", { who: null }), 401, "unauthorized")
    const body = await (await server.api("/v1/capabilities")).json()
    const chatty = body.tools.find((t: { id: string }) => t.id === "http-chatty")
    expect(chatty).toMatchObject({ name: "Chatty", category: "analyzer", version: "0.0.1" })
    expect(JSON.stringify(chatty.params_schema)).toContain('"lines"')
  })

  it("serves an OpenAPI document covering every route and each tool's params", async () => {
    const doc = await (await server.api("/v1/openapi.json")).json()
    expect(doc.openapi).toBe("3.1.0")
    for (const p of [
      "/v1/runs",
      "/v1/runs/{id}",
      "/v1/runs/{id}/logs/stream",
      "/v1/artifacts/{id}/download",
      "/v1/files/{token}",
      "/v1/uploads",
      "/v1/metrics"
    ]) {
      expect(Object.keys(doc.paths)).toContain(p)
    }
    const ref = doc.paths["/v1/runs"].post.requestBody.content["application/json"].schema.$ref as string
    expect(ref.startsWith("#/components/schemas/")).toBe(true)
    expect(doc.components.schemas[ref.slice("#/components/schemas/".length)].required).toEqual(["tool_id"])
    const refs = JSON.stringify(doc).match(/"\$ref":"#\/[^"]+"/g) ?? []
    for (const r of refs) expect(doc.components.schemas).toHaveProperty([JSON.parse(`{${r}}`).$ref.slice("#/components/schemas/".length)])
    expect(doc.components.schemas["ToolParams.http-chatty"]).toBeDefined()
    expect(doc.paths["/v1/health"].get.security).toEqual([])
  })
})

describe("runs", () => {
  it("submits, reports, lists, pages logs and lists artifacts of a run", async () => {
    const res = await submit({ tool_id: "http-chatty", params: { lines: 120 }, input: [], name: "first" })
    expect(res.status).toBe(202)
    const run = await res.json()
    expect(res.headers.get("location")).toBe(`${server.url}/v1/runs/${run.id}`)
    expect(run).toMatchObject({ tool_id: "http-chatty", name: "first", status: "queued", params: { lines: 120, everyMs: 0 } })
    const done = await waitForRun(server, run.id)
    expect(done).toMatchObject({ status: "completed", summary: { lines: 120 }, error: null })

    const list = await (await server.api("/v1/runs?tool=http-chatty&status=completed&limit=1")).json()
    expect(list.items.map((r: { id: string }) => r.id)).toContain(run.id)

    const page1 = await (await server.api(`/v1/runs/${run.id}/logs?limit=50`)).json()
    expect(page1.items).toHaveLength(50)
    expect(page1.items.map((e: { seq: number }) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    const all = await (await server.api(`/v1/runs/${run.id}/logs?after=0&limit=5000`)).json()
    expect(all.ended).toBe(true)
    const lines = all.items.filter((e: { type: string; source?: string }) => e.type === "log" && e.source === "tool").map((e: { message: string }) => e.message)
    expect(lines).toEqual(Array.from({ length: 120 }, (_, i) => `line ${i + 1}`))
    expect(all.items.at(-1)).toMatchObject({ type: "end", status: "completed" })
    const rest = await (await server.api(`/v1/runs/${run.id}/logs?after=${page1.next_after}`)).json()
    expect(rest.items[0].seq).toBe(51)

    const artifacts = await (await server.api(`/v1/runs/${run.id}/artifacts`)).json()
    expect(artifacts.items).toHaveLength(1)
    expect(artifacts.items[0]).toMatchObject({
      name: "lines.txt",
      run_id: run.id,
      content_type: "text/plain",
      size: Buffer.byteLength(lines.map((l: string) => l + "\n").join(""))
    })
    expect(artifacts.items[0].urls.download).toBe(`${server.url}/v1/artifacts/${artifacts.items[0].id}/download`)
  })

  it("paginates with a cursor", async () => {
    const ids: string[] = []
    for (let i = 0; i < 3; i++) ids.push((await (await submit({ tool_id: "http-chatty", params: { lines: 1 }, input: [], name: `page-${i}` })).json()).id)
    const seen: string[] = []
    let url: string | null = `/v1/runs?limit=2&tool=http-chatty`
    while (url) {
      const page = await (await server.api(url)).json()
      seen.push(...page.items.map((r: { id: string }) => r.id))
      url = page.links.next ? page.links.next.slice(server.url.length) : null
    }
    for (const id of ids) expect(seen.filter(s => s === id)).toHaveLength(1)
    expect(new Set(seen).size).toBe(seen.length)
  })

  it("cancels a running run and says so; cancelling again says it already finished", async () => {
    const run = await (await submit({ tool_id: "http-spin", params: { ms: 60_000 }, input: [] })).json()
    const t0 = Date.now()
    for (;;) {
      const r = await (await server.api(`/v1/runs/${run.id}`)).json()
      if (r.status === "running") break
      await new Promise(r => setTimeout(r, 20))
    }
    const res = await server.api(`/v1/runs/${run.id}`, { method: "DELETE" })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toMatchObject({ outcome: "canceled", run: { id: run.id, status: "canceled" } })
    expect(Date.now() - t0).toBeLessThan(20_000)
    const again = await (await server.api(`/v1/runs/${run.id}`, { method: "DELETE" })).json()
    expect(again).toMatchObject({ outcome: "already_finished", run: { status: "canceled" } })
  })

  it("keeps runs private: another principal gets the same 404 as for an unknown id", async () => {
    const run = await (await submit({ tool_id: "http-chatty", params: { lines: 1 }, input: [] })).json()
    await waitForRun(server, run.id)
    const foreign = await expectError(await server.api(`/v1/runs/${run.id}`, { who: "bob" }), 404, "run_not_found")
    const unknown = await expectError(await server.api(`/v1/runs/run_doesnotexist`, { who: "bob" }), 404, "run_not_found")
    expect(foreign.message.replace(run.id, "X")).toBe(unknown.message.replace("run_doesnotexist", "X"))
    for (const path of ["/logs", "/logs/stream", "/artifacts", "/bundle"]) await expectError(await server.api(`/v1/runs/${run.id}${path}`, { who: "bob" }), 404)
    await expectError(await server.api(`/v1/runs/${run.id}`, { method: "DELETE", who: "bob" }), 404)
    const bobs = await (await server.api(`/v1/runs`, { who: "bob" })).json()
    expect(bobs.items.map((r: { id: string }) => r.id)).not.toContain(run.id)
    const artifact = (await (await server.api(`/v1/runs/${run.id}/artifacts`)).json()).items[0]
    for (const path of ["", "/download"]) await expectError(await server.api(`/v1/artifacts/${artifact.id}${path}`, { who: "bob" }), 404, "artifact_not_found")
    await expectError(await server.api(`/v1/artifacts/${artifact.id}/url`, { method: "POST", who: "bob" }), 404, "artifact_not_found")
  })
})
