import { SignJWT, base64url } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { apiRoutes } from "../../src/adapters/http/create-server-app.js"
import path from "node:path"
import { expectError, jsonInit, rlogDir, startTestServer, tokens, waitForRun, type TestServer } from "./support/test-server.js"

const demo = path.join(rlogDir, "subaru_cruise_demo.rlog.zst")
const monitorBody = { monitor: "can-bus-check", source: { path: demo }, params: { window_s: 2 } }

const jwtSecret = "matrix-secret-".repeat(3)
const otherSecret = "other-secret-".repeat(3)
const uploadBytes = "alice's secret upload bytes"
let server: TestServer
/** Alice's resources, which bob must never see. */
const alice = { upload: "", run: "", spinning: "", artifact: "", artifactSha: "", signedToken: "", monitor: "" }

beforeAll(async () => {
  server = await startTestServer({ jwtSecret })
  const up = await (await server.api("/v1/uploads?name=alice-only.bin", { method: "POST", body: uploadBytes })).json()
  alice.upload = up.id
  const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 3 } }))).json()
  alice.run = run.id
  await waitForRun(server, run.id)
  const [artifact] = (await (await server.api(`/v1/runs/${run.id}/artifacts`)).json()).items
  alice.artifact = artifact.id
  alice.artifactSha = artifact.sha256
  alice.signedToken = new URL((await (await server.api(`/v1/artifacts/${artifact.id}/url`, { method: "POST" })).json()).url).pathname.split("/").pop()!
  alice.monitor = (await (await server.api("/v1/monitors", jsonInit("POST", monitorBody))).json()).id
  await waitForRun(server, alice.monitor)
  alice.spinning = (await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-spin", params: { ms: 60_000 } }))).json()).id
}, 60_000)
afterAll(async () => {
  if (alice.spinning) await server?.api(`/v1/runs/${alice.spinning}`, { method: "DELETE" })
  await server?.stop()
})

type Who = keyof typeof tokens
interface Probe {
  readonly path: string
  readonly init?: RequestInit
}
/**
 * How each route is called on alice's resources, and what bob gets:
 * `404` — alice's resource is invisible; `own` — the route shows only the caller's own things;
 * `public` — no credentials by design (the signed token is the permission).
 */
const matrix: Record<string, { readonly probe: () => Probe; readonly bob: "404" | "own" | "public" }> = {
  "GET /v1/health": { probe: () => ({ path: "/v1/health" }), bob: "public" },
  "GET /v1/version": { probe: () => ({ path: "/v1/version" }), bob: "public" },
  "GET /v1/capabilities": { probe: () => ({ path: "/v1/capabilities" }), bob: "own" },
  "GET /v1/openapi.json": { probe: () => ({ path: "/v1/openapi.json" }), bob: "own" },
  "GET /v1/metrics": { probe: () => ({ path: "/v1/metrics" }), bob: "own" },
  "POST /v1/runs": {
    probe: () => ({ path: "/v1/runs", init: jsonInit("POST", { tool_id: "http-copy-input", input: { type: "upload", value: alice.upload } }) }),
    bob: "404"
  },
  "GET /v1/runs": { probe: () => ({ path: "/v1/runs" }), bob: "own" },
  "GET /v1/runs/:id": { probe: () => ({ path: `/v1/runs/${alice.run}` }), bob: "404" },
  "DELETE /v1/runs/:id": { probe: () => ({ path: `/v1/runs/${alice.spinning}`, init: { method: "DELETE" } }), bob: "404" },
  "GET /v1/runs/:id/logs": { probe: () => ({ path: `/v1/runs/${alice.run}/logs` }), bob: "404" },
  "GET /v1/runs/:id/logs/stream": { probe: () => ({ path: `/v1/runs/${alice.run}/logs/stream` }), bob: "404" },
  "GET /v1/runs/:id/artifacts": { probe: () => ({ path: `/v1/runs/${alice.run}/artifacts` }), bob: "404" },
  "GET /v1/runs/:id/bundle": { probe: () => ({ path: `/v1/runs/${alice.run}/bundle` }), bob: "404" },
  "GET /v1/artifacts/:id": { probe: () => ({ path: `/v1/artifacts/${alice.artifact}` }), bob: "404" },
  "GET /v1/artifacts/:id/download": { probe: () => ({ path: `/v1/artifacts/${alice.artifact}/download` }), bob: "404" },
  "POST /v1/artifacts/:id/url": { probe: () => ({ path: `/v1/artifacts/${alice.artifact}/url`, init: { method: "POST" } }), bob: "404" },
  "GET /v1/files/:token": { probe: () => ({ path: `/v1/files/${alice.signedToken}` }), bob: "public" },
  "POST /v1/uploads": { probe: () => ({ path: "/v1/uploads?name=bob.bin", init: { method: "POST", body: "bob's bytes" } }), bob: "own" },
  "POST /v1/monitors": { probe: () => ({ path: "/v1/monitors", init: jsonInit("POST", monitorBody) }), bob: "own" },
  "GET /v1/monitors": { probe: () => ({ path: "/v1/monitors" }), bob: "own" },
  "GET /v1/monitors/:id": { probe: () => ({ path: `/v1/monitors/${alice.monitor}` }), bob: "404" },
  "DELETE /v1/monitors/:id": { probe: () => ({ path: `/v1/monitors/${alice.monitor}`, init: { method: "DELETE" } }), bob: "404" },
  "GET /v1/monitors/:id/stream": { probe: () => ({ path: `/v1/monitors/${alice.monitor}/stream` }), bob: "404" },
  "POST /v1/runs/:id/stream-token": { probe: () => ({ path: `/v1/runs/${alice.run}/stream-token`, init: { method: "POST" } }), bob: "404" },
  /** A live feed that never ends by itself: read for 1.5 s. */
  "GET /v1/run-changes": { probe: () => ({ path: "/v1/run-changes", init: { signal: AbortSignal.timeout(1500) } }), bob: "own" },
  "POST /v1/run-changes/stream-token": { probe: () => ({ path: "/v1/run-changes/stream-token", init: { method: "POST" } }), bob: "own" }
}

/** The body as text; of a live stream, what arrived before the probe's signal aborted it. */
const bodyText = async (res: Response) => {
  const decoder = new TextDecoder()
  let text = ""
  const reader = res.body?.getReader()
  try {
    for (let r = await reader?.read(); r && !r.done; r = await reader!.read()) text += decoder.decode(r.value, { stream: true })
  } catch (error) {
    if ((error as Error).name !== "TimeoutError" && (error as Error).name !== "AbortError") throw error
  }
  return text
}

const call = (probe: Probe, who: Who | null, authorization?: string) => {
  const headers = new Headers(probe.init?.headers)
  if (authorization !== undefined) headers.set("authorization", authorization)
  return server.api(probe.path, { ...probe.init, headers, who })
}

/** Everything of alice's that must never appear in an answer to bob. */
const secrets = () => [uploadBytes, alice.artifactSha, "line 1", "alice-only.bin", alice.run, alice.upload, alice.artifact, alice.monitor]

const hs256 = (secret: string, claims: { exp?: number; nbf?: number } = {}) => {
  let jwt = new SignJWT({ sub: "alice" }).setProtectedHeader({ alg: "HS256" }).setIssuedAt()
  jwt = jwt.setExpirationTime(claims.exp ?? "5m")
  if (claims.nbf !== undefined) jwt = jwt.setNotBefore(claims.nbf)
  return jwt.sign(new TextEncoder().encode(secret))
}

describe("the route table and the matrix", () => {
  it("every route of the app and of its OpenAPI document is in the matrix, and nothing else", async () => {
    const table = apiRoutes().map(r => `${r.method} ${r.path}`)
    expect([...table].sort()).toEqual(Object.keys(matrix).sort())
    const doc = await (await server.api("/v1/openapi.json")).json()
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map(m => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ":$1")}`)
    )
    expect(documented.sort()).toEqual([...table].sort())
    for (const route of apiRoutes())
      expect(route.auth === "public", `${route.method} ${route.path}`).toBe(matrix[`${route.method} ${route.path}`]!.bob === "public")
  })
})

describe("two principals × every route", () => {
  it("alice reaches her own resources on every route", async () => {
    for (const [key, entry] of Object.entries(matrix)) {
      if (key === "DELETE /v1/runs/:id") continue
      const res = await call(entry.probe(), "alice")
      expect(res.status, key).toBeLessThan(300)
      await res.body?.cancel()
    }
  })

  it("bob gets 404 (never data) for each of alice's resources, sees only his own in lists, and cannot cancel her run", async () => {
    let checked = 0
    for (const [key, entry] of Object.entries(matrix)) {
      const probe = entry.probe()
      const res = await call(probe, "bob")
      const text = await bodyText(res)
      const sent = probe.path + String(probe.init?.body ?? "")
      if (entry.bob !== "public") for (const secret of secrets().filter(s => !sent.includes(s))) expect(text, `${key}: ${secret}`).not.toContain(secret)
      if (entry.bob === "404") {
        expect(res.status, key).toBe(404)
        const body = JSON.parse(text)
        expect(Object.keys(body.error).sort(), key).toEqual(["category", "code", "details", "message", "suggested_actions"])
      } else expect(res.status, key).toBeLessThan(300)
      checked++
    }
    expect(checked).toBe(apiRoutes().length)
    expect((await (await server.api(`/v1/runs/${alice.spinning}`)).json()).status).toBe("running")
  })

  it("bob's own ids for alice's resources and unknown ids get the same 404", async () => {
    for (const path of [`/v1/runs/run_doesnotexist`, `/v1/artifacts/art_doesnotexist`]) {
      const unknown = await server.api(path, { who: "bob" })
      const foreign = await server.api(path.includes("runs") ? `/v1/runs/${alice.run}` : `/v1/artifacts/${alice.artifact}`, { who: "bob" })
      const [u, f] = [await expectError(unknown, 404), await expectError(foreign, 404)]
      expect(f.code).toBe(u.code)
      expect(f.message.replace(/"[^"]*"/, "")).toBe(u.message.replace(/"[^"]*"/, ""))
    }
  })
})

describe("bad credentials on every authenticated route", () => {
  it("missing, malformed, unknown, alg none, wrong key, expired and not-yet-valid → 401 in the one error shape", async () => {
    const now = Math.floor(Date.now() / 1000)
    const none = `${base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }))}.${base64url.encode(JSON.stringify({ sub: "alice", exp: now + 300 }))}.`
    const credentials: Array<[string, string | undefined]> = [
      ["missing", undefined],
      ["empty bearer", "Bearer "],
      ["basic", "Basic YWxpY2U6cGFzcw=="],
      ["two tokens", `Bearer ${tokens.alice} ${tokens.bob}`],
      ["unknown token", "Bearer not-a-configured-token-000000"],
      ["garbage jwt", "Bearer a.b.c"],
      ["alg none", `Bearer ${none}`],
      ["alg none, no dot", `Bearer ${none.slice(0, -1)}x`],
      ["wrong key", `Bearer ${await hs256(otherSecret)}`],
      ["expired", `Bearer ${await hs256(jwtSecret, { exp: now - 60 })}`],
      ["not yet valid", `Bearer ${await hs256(jwtSecret, { nbf: now + 3600 })}`],
      ["alice's token with a byte changed", `Bearer ${tokens.alice.slice(0, -1)}X`]
    ]
    let tried = 0
    for (const route of apiRoutes().filter(r => r.auth === "required")) {
      const probe = matrix[`${route.method} ${route.path}`]!.probe()
      for (const [what, header] of credentials) {
        const res = await call(probe, null, header)
        const error = await expectError(res, 401).catch(e => {
          throw new Error(`${route.method} ${route.path} with ${what}: ${(e as Error).message}`)
        })
        expect(res.headers.get("www-authenticate"), what).toMatch(/^Bearer /)
        expect(JSON.stringify(error)).not.toContain(uploadBytes)
        tried++
      }
    }
    expect(tried).toBe(credentials.length * apiRoutes().filter(r => r.auth === "required").length)
    const validJwt = { who: null, headers: { authorization: `Bearer ${await hs256(jwtSecret)}` } }
    expect((await server.api("/v1/runs", validJwt)).status).toBe(200)
    expect((await server.api(`/v1/runs/${alice.run}`, validJwt)).status).toBe(404)
  })
})
