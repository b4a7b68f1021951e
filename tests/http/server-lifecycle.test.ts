import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { SignJWT } from "jose"
import { afterEach, describe, expect, it, vi } from "vitest"
import { createAuthenticator } from "../../src/adapters/http/auth.js"
import { createServerApp } from "../../src/adapters/http/create-server-app.js"
import type { CtsRuntime } from "../../src/adapters/http/route-kit.js"
import { presetDefaults, type ServerSettings } from "../../src/adapters/http/server-settings.js"
import { startServer } from "../../src/adapters/http/start-server.js"
import { DATABASE_FILE } from "../../src/core/store/sqlite-run-store.js"
import { until } from "../core/helpers.js"
import { jsonInit, startTestServer, testTools, tokens } from "./support/test-server.js"

afterEach(() => void vi.useRealTimers())

describe("startServer", () => {
  it("reads the core's CTS_* settings from its env option, not from process.env", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cts-http-env-"))
    const dataDir = path.join(dir, "from-env")
    expect(process.env.CTS_DATA_DIR).toBeUndefined()
    const server = await startServer({
      env: { CTS_DATA_DIR: dataDir, CTS_DEFAULT_TIMEOUT_S: "7" },
      configFile: null,
      host: "127.0.0.1",
      port: 0,
      tokens: [{ principal: "alice", token: tokens.alice }],
      core: { extraToolModules: [testTools] }
    })
    try {
      expect(existsSync(path.join(dataDir, DATABASE_FILE))).toBe(true)
      const caps = (await (await fetch(`${server.url}/v1/capabilities`, { headers: { authorization: `Bearer ${tokens.alice}` } })).json()) as {
        tools: Array<{ id: string; default_timeout_ms: number }>
      }
      const withoutOwnTimeout = caps.tools.filter(t => t.default_timeout_ms === 7000)
      expect(withoutOwnTimeout.length).toBeGreaterThan(0)
    } finally {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe("event streams and the server's life", () => {
  it("counts a live client until it leaves, and closing the server ends the open streams at once", async () => {
    const server = await startTestServer()
    let closed = false
    try {
      const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 1000, everyMs: 50 } }))).json()
      const gauge = async () => Number(/^cts_sse_clients (\d+)$/m.exec(await (await server.api("/v1/metrics")).text())?.[1])
      const open = async () => {
        const stream = await server.api(`/v1/runs/${run.id}/logs/stream`)
        expect(stream.status).toBe(200)
        const reader = stream.body!.getReader()
        await reader.read()
        return reader
      }
      const leaving = await open()
      expect(await gauge()).toBe(1)
      await leaving.cancel()
      await until(async () => (await gauge()) === 0, 10_000)
      const staying = await open()
      expect(await gauge()).toBe(1)
      const started = Date.now()
      await server.stop()
      closed = true
      expect(Date.now() - started).toBeLessThan(10_000)
      // The client sees its stream end (or break), never a stream that keeps waiting.
      const outcome = await (async () => {
        for (;;) if ((await staying.read()).done) return "ended"
      })().catch(() => "broken")
      expect(["ended", "broken"]).toContain(outcome)
    } finally {
      if (!closed) await server.stop()
    }
  }, 30_000)
})

describe("createServerApp", () => {
  it("stops the rate limiter's cleanup timer when its signal aborts", () => {
    vi.useFakeTimers()
    const settings: ServerSettings = { ...presetDefaults.dev, rateLimit: { requests: 10, windowMs: 1000 } }
    const lifetime = new AbortController()
    const before = vi.getTimerCount()
    createServerApp({ runtime: {} as CtsRuntime, settings, signal: lifetime.signal })
    expect(vi.getTimerCount()).toBe(before + 1)
    lifetime.abort()
    expect(vi.getTimerCount()).toBe(before)
    createServerApp({ runtime: {} as CtsRuntime, settings, signal: lifetime.signal })
    expect(vi.getTimerCount()).toBe(before)
  })
})

describe("JWT verification cache", () => {
  const secret = "k".repeat(40)
  const settings: ServerSettings = { ...presetDefaults.dev, tokens: [], jwtSecret: secret }
  const sign = (expSeconds: number) =>
    new SignJWT({ sub: "dana" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime(expSeconds).sign(new TextEncoder().encode(secret))
  const headers = (jwt: string) => new Headers({ authorization: `Bearer ${jwt}` })

  it("never accepts a remembered JWT past its expiry", async () => {
    vi.useFakeTimers({ toFake: ["Date"] })
    const now = Date.now()
    const auth = createAuthenticator(settings)
    const jwt = await sign(Math.floor(now / 1000) + 10)
    expect(await auth(headers(jwt))).toEqual({ id: "jwt::dana", via: "jwt" })
    expect(await auth(headers(jwt))).toEqual({ id: "jwt::dana", via: "jwt" })
    vi.setSystemTime(now + 11_000)
    await expect(auth(headers(jwt))).rejects.toMatchObject({ status: 401, code: "token_expired" })
  })
})
