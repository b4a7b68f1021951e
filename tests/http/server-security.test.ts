import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { SignJWT } from "jose"
import { afterAll, describe, expect, it } from "vitest"
import { assertSafeToServe, startServer } from "../../src/adapters/http/start-server.js"
import { presetDefaults } from "../../src/adapters/http/server-settings.js"
import { expectError, jsonInit, startTestServer, testTools, waitForRun, type TestServer } from "./support/test-server.js"

const started: TestServer[] = []
const start = async (...args: Parameters<typeof startTestServer>) => {
  const s = await startTestServer(...args)
  started.push(s)
  return s
}
afterAll(async () => {
  for (const s of started) await s.stop()
})

describe("secure defaults", () => {
  it("binds 127.0.0.1 by default", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cts-http-default-"))
    const server = await startServer({ env: {}, configFile: null, port: 0, core: { dataDir: dir } })
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(server.settings.host).toBe("127.0.0.1")
      expect((await fetch(`${server.url}/v1/health`)).status).toBe(200)
    } finally {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("refuses to listen beyond loopback without auth unless forced, and a preset that requires auth without it", async () => {
    await expect(startServer({ env: {}, configFile: null, host: "0.0.0.0", port: 0, core: { dataDir: "/nonexistent-never-used" } })).rejects.toMatchObject({
      code: "insecure_bind"
    })
    await expect(startServer({ env: { CTS_HOST: "192.0.2.10" }, configFile: null, port: 0 })).rejects.toMatchObject({ code: "insecure_bind" })
    await expect(startServer({ env: { CTS_PRESET: "production" }, configFile: null, port: 0 })).rejects.toMatchObject({ code: "auth_required" })
    expect(() => assertSafeToServe({ ...presetDefaults.dev, host: "0.0.0.0", forceInsecure: true })).not.toThrow()
    expect(() => assertSafeToServe({ ...presetDefaults.dev, host: "0.0.0.0", tokens: [{ principal: "a", token: "x".repeat(20) }] })).not.toThrow()
  })

  it("reads the [server] and [core] tables of CTS_CONFIG_FILE, with env winning over the file", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cts-http-file-"))
    const file = path.join(dir, "cts.toml")
    writeFileSync(
      file,
      `[server]\nport = 0\ncors_origins = ["https://file.example"]\nrate_limit = "100/min"\ntokens = ["carol=${"c".repeat(24)}"]\n\n[core]\ndata_dir = ${JSON.stringify(path.join(dir, "data"))}\nconcurrency = 1\ninput_roots = [${JSON.stringify(dir)}]\n`
    )
    const server = await startServer({ env: { CTS_CONFIG_FILE: file, CTS_RATE_LIMIT: "7/s" }, core: { extraToolModules: [testTools] } })
    try {
      expect(server.settings.corsOrigins).toEqual(["https://file.example"])
      expect(server.settings.rateLimit).toEqual({ requests: 7, windowMs: 1000 })
      const res = await fetch(`${server.url}/v1/runs`, { headers: { authorization: `Bearer ${"c".repeat(24)}` } })
      expect(res.status).toBe(200)
      writeFileSync(path.join(dir, "in.bin"), "hello")
      const run = await fetch(`${server.url}/v1/runs`, {
        method: "POST",
        headers: { authorization: `Bearer ${"c".repeat(24)}`, "content-type": "application/json" },
        body: JSON.stringify({ tool_id: "http-copy-input", input: { type: "path", value: "in.bin" } })
      })
      expect(run.status).toBe(202)
    } finally {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    }
    await expect(startServer({ env: { CTS_CONFIG_FILE: path.join(dir, "missing.toml") } })).rejects.toMatchObject({ code: "config_file_unreadable" })
  })

  it("refuses path inputs entirely when no input roots are configured", async () => {
    const server = await start({ core: { inputRoots: undefined } as never })
    await expectError(
      await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-copy-input", input: { type: "path", value: "/etc/hostname" } })),
      403,
      "path_not_allowed"
    )
  })
})

describe("authentication over HTTP", () => {
  it("accepts JWTs as their own principal, apart from the static token of the same name", async () => {
    const secret = "k".repeat(48)
    const server = await start({ jwtSecret: secret })
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("alice").setExpirationTime("5m").sign(new TextEncoder().encode(secret))
    const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 1 } }))).json()
    await expectError(await server.api(`/v1/runs/${run.id}`, { headers: { authorization: `Bearer ${jwt}` } }), 404, "run_not_found")
    const own = await (
      await server.api("/v1/runs", {
        ...jsonInit("POST", { tool_id: "http-chatty", params: { lines: 1 } }),
        headers: { "content-type": "application/json", authorization: `Bearer ${jwt}` }
      })
    ).json()
    expect((await server.api(`/v1/runs/${own.id}`, { headers: { authorization: `Bearer ${jwt}` } })).status).toBe(200)
    await expectError(await server.api(`/v1/runs/${own.id}`), 404, "run_not_found")
    const mallory = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("mallory")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(secret))
    await expectError(await server.api(`/v1/runs/${run.id}`, { headers: { authorization: `Bearer ${mallory}` } }), 404, "run_not_found")
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("alice")
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(new TextEncoder().encode(secret))
    const res = await server.api(`/v1/runs/${run.id}`, { headers: { authorization: `Bearer ${expired}` } })
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/)
    await expectError(res, 401, "token_expired")
  })
})

describe("limits", () => {
  it("rate-limits per principal with 429 and Retry-After, and unauthenticated attempts per IP", async () => {
    const server = await start({ rateLimit: { requests: 5, windowMs: 60_000 } })
    for (let i = 0; i < 5; i++) expect((await server.api("/v1/runs")).status).toBe(200)
    const limited = await server.api("/v1/runs")
    expect(limited.headers.get("retry-after")).toBe("12")
    await expectError(limited, 429, "rate_limited")
    expect((await server.api("/v1/runs", { who: "bob" })).status).toBe(200)
    expect((await server.api("/v1/health", { who: null })).status).toBe(200)
    for (let i = 0; i < 5; i++) await expectError(await server.api("/v1/runs", { headers: { authorization: "Bearer guess-guess-guess-guess" } }), 401)
    await expectError(await server.api("/v1/runs", { headers: { authorization: "Bearer guess-guess-guess-guess" } }), 429, "rate_limited")
  })

  it("allows only configured CORS origins", async () => {
    const closed = await start()
    const denied = await closed.api("/v1/runs", {
      method: "OPTIONS",
      who: null,
      headers: { origin: "https://ui.example", "access-control-request-method": "GET" }
    })
    await expectError(denied, 403, "cors_origin_not_allowed")
    const plain = await closed.api("/v1/runs", { headers: { origin: "https://ui.example" } })
    expect(plain.headers.get("access-control-allow-origin")).toBeNull()

    const open = await start({ corsOrigins: ["https://ui.example"] })
    const preflight = await open.api("/v1/runs", {
      method: "OPTIONS",
      who: null,
      headers: { origin: "https://ui.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" }
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://ui.example")
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization")
    const get = await open.api("/v1/runs", { headers: { origin: "https://ui.example" } })
    expect(get.headers.get("access-control-allow-origin")).toBe("https://ui.example")
    expect(get.headers.get("access-control-expose-headers")).toContain("etag")
    const other = await open.api("/v1/runs", { headers: { origin: "https://evil.example" } })
    expect(other.headers.get("access-control-allow-origin")).toBeNull()
  })
})

describe("metrics", () => {
  it("exposes runs by tool and status, durations, requests by route template, bytes, SSE clients and queue depth", async () => {
    const server = await start()
    const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 3 } }))).json()
    await waitForRun(server, run.id)
    const artifact = (await (await server.api(`/v1/runs/${run.id}/artifacts`)).json()).items[0]
    const bytes = (await (await server.api(`/v1/artifacts/${artifact.id}/download`)).arrayBuffer()).byteLength
    await expectError(await server.api(`/v1/runs/run_missing`), 404)
    await expectError(await server.api("/v1/metrics", { who: null }), 401)
    const res = await server.api("/v1/metrics")
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(text).toContain('cts_runs{tool="http-chatty",status="completed"} 1')
    expect(text).toContain('cts_run_duration_seconds_count{tool="http-chatty",status="completed"} 1')
    expect(text).toMatch(/cts_http_requests_total\{method="GET",route="\/v1\/runs\/:id",status="200"\} \d+/)
    expect(text).toContain('cts_http_requests_total{method="GET",route="/v1/runs/:id",status="404"} 1')
    expect(text).toMatch(/cts_http_request_duration_seconds_bucket\{method="POST",route="\/v1\/runs",le="\+Inf"\} 1/)
    expect(text).toContain(`cts_artifact_bytes_sent_total{kind="download"} ${bytes}`)
    expect(text).toContain("cts_sse_clients 0")
    expect(text).toContain('cts_executor_queue_depth{state="queued"} 0')
    expect(bytes).toBe("line 1\nline 2\nline 3\n".length)
  })
})

describe("shutdown", () => {
  it("closes (within the test timeout) while SSE clients are connected and a run is executing", async () => {
    const server = await startTestServer()
    const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-spin", params: { ms: 60_000 } }))).json()
    const streams = await Promise.all([0, 1, 2].map(() => server.api(`/v1/runs/${run.id}/logs/stream`)))
    for (const s of streams) expect(s.status).toBe(200)
    await server.stop()
    for (const s of streams) await s.body?.cancel().catch(() => {})
  })
})
