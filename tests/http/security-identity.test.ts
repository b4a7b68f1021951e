import { request } from "node:http"
import { SignJWT } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectError, jsonInit, startTestServer, waitForRun, type TestServer } from "./support/test-server.js"

const secret = "s".repeat(48)
const issuer = "https://idp.example"
let server: TestServer

beforeAll(async () => {
  server = await startTestServer({ jwtSecret: secret, jwtIssuer: issuer, jwtMaxLifetimeSeconds: 3600 })
}, 60_000)
afterAll(async () => {
  await server?.stop()
})

const sign = (claims: Record<string, unknown>, exp: number | null = Math.floor(Date.now() / 1000) + 300) => {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuer(issuer).setIssuedAt()
  return (exp === null ? jwt : jwt.setExpirationTime(exp)).sign(new TextEncoder().encode(secret))
}
const as = (jwt: string, init: RequestInit = {}): RequestInit & { who: null } => ({
  ...init,
  who: null,
  headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${jwt}` }
})

/** A GET sent with a chosen Host header, byte for byte. */
const withHost = (pathname: string, host: string, method = "GET", body?: string) =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const url = new URL(server.url)
    const headers: Record<string, string> = { host, authorization: "Bearer alice-token-0123456789abcdef" }
    if (body !== undefined) headers["content-type"] = "application/json"
    const req = request({ host: url.hostname, port: url.port, path: pathname, method, headers }, res => {
      let text = ""
      res.on("data", c => (text += c))
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }))
    })
    req.on("error", reject)
    req.end(body)
  })

describe("JWT principals", () => {
  it("keeps a JWT whose sub equals a static principal's name apart from that principal, both ways", async () => {
    const mine = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 1 } }))).json()
    await waitForRun(server, mine.id)
    const alice = await sign({ sub: "alice" })
    await expectError(await server.api(`/v1/runs/${mine.id}`, as(alice)), 404, "run_not_found")
    const listed = await (await server.api("/v1/runs", as(alice))).json()
    expect(listed.items).toEqual([])
    const theirs = await (await server.api("/v1/runs", as(alice, jsonInit("POST", { tool_id: "http-chatty", params: { lines: 1 } })))).json()
    expect((await server.api(`/v1/runs/${theirs.id}`, as(alice))).status).toBe(200)
    await expectError(await server.api(`/v1/runs/${theirs.id}`), 404, "run_not_found")
    expect((await server.api(`/v1/runs/${theirs.id}`, as(await sign({ sub: "alice" })))).status).toBe(200)
  })

  it("refuses subjects with NUL, CR/LF, spaces, path separators or traversal, and an empty one", async () => {
    for (const sub of ["ali\u0000ce", "alice\r\nX-Injected: 1", "al ice", "../../etc/passwd", "..\\x", "", "x".repeat(256), "zoë"]) {
      const res = await server.api("/v1/runs", as(await sign({ sub })))
      const error = await expectError(res, 401, "invalid_token")
      expect(error.message, JSON.stringify(sub)).toMatch(/sub/)
    }
    expect((await server.api("/v1/runs", as(await sign({ sub: "auth0|5f7c.user@example.com" })))).status).toBe(200)
  })

  it("refuses a JWT without exp, and one valid for longer than the configured maximum lifetime", async () => {
    const noExp = await expectError(await server.api("/v1/runs", as(await sign({ sub: "carol" }, null))), 401, "invalid_token")
    expect(noExp.message).toContain("exp")
    const now = Math.floor(Date.now() / 1000)
    await expectError(await server.api("/v1/runs", as(await sign({ sub: "carol" }, now + 3600 + 120))), 401, "token_lifetime_too_long")
    const backdated = await new SignJWT({ sub: "carol" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(issuer)
      .setIssuedAt(now - 7200)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(secret))
    await expectError(await server.api("/v1/runs", as(backdated)), 401, "token_lifetime_too_long")
    expect((await server.api("/v1/runs", as(await sign({ sub: "carol" }, now + 3500)))).status).toBe(200)
  })
})

describe("links and signed URLs without CTS_PUBLIC_URL", () => {
  it("never builds an absolute URL from a forged Host; the connection's own address is still used", async () => {
    const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 1 } }))).json()
    await waitForRun(server, run.id)
    const artifacts = await (await server.api(`/v1/runs/${run.id}/artifacts`)).json()
    const id = artifacts.items[0].id

    const forged = await withHost(`/v1/artifacts/${id}/url`, "attacker.example", "POST", JSON.stringify({ ttl_s: 60 }))
    expect(forged.status).toBe(200)
    const signed = JSON.parse(forged.body)
    expect(signed.url).toMatch(/^\/v1\/files\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
    expect(forged.body).not.toContain("attacker.example")
    const file = await fetch(server.url + signed.url)
    expect(await file.text()).toBe("line 1\n")

    const runView = await withHost(`/v1/runs/${run.id}`, "attacker.example:80")
    expect(runView.body).not.toContain("attacker.example")
    expect(JSON.parse(runView.body).links.self).toBe(`/v1/runs/${run.id}`)
    const submitted = await withHost("/v1/runs", "attacker.example", "POST", JSON.stringify({ tool_id: "http-chatty", params: { lines: 1 } }))
    expect(submitted.headers.location).toBe(`/v1/runs/${JSON.parse(submitted.body).id}`)

    const honest = await (await server.api(`/v1/runs/${run.id}`)).json()
    expect(honest.links.self).toBe(`${server.url}/v1/runs/${run.id}`)
  })

  it("uses CTS_PUBLIC_URL whatever the Host says", async () => {
    const pinned = await startTestServer({ publicUrl: "https://cts.example.org" })
    try {
      const run = await (await pinned.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 1 } }))).json()
      expect(run.links.self).toBe(`https://cts.example.org/v1/runs/${run.id}`)
    } finally {
      await pinned.stop()
    }
  })
})

describe("signed URL tokens", () => {
  it("accept only the canonical base64url spelling", async () => {
    const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 1 } }))).json()
    await waitForRun(server, run.id)
    const id = (await (await server.api(`/v1/runs/${run.id}/artifacts`)).json()).items[0].id
    const signed = await (await server.api(`/v1/artifacts/${id}/url`, jsonInit("POST", { ttl_s: 60 }))).json()
    const token: string = signed.url.slice(signed.url.lastIndexOf("/") + 1)
    expect(signed.url).toBe(`${server.url}/v1/files/${token}`)
    expect((await fetch(signed.url)).status).toBe(200)
    const [payload, mac] = token.split(".") as [string, string]
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    const last = alphabet.indexOf(mac.at(-1)!)
    const unusedBits = (4 - (mac.length % 4)) % 4 === 1 ? 3 : 15
    const variants = [
      ...[1, 2, 3].filter(b => b <= unusedBits).map(b => `${payload}.${mac.slice(0, -1)}${alphabet[last ^ b]}`),
      `${payload}.${mac}=`,
      `${payload}=.${mac}`,
      `${payload}.${mac}==`
    ]
    expect(variants.length).toBeGreaterThanOrEqual(5)
    for (const v of variants) {
      expect(Buffer.from(v.split(".")[1]!, "base64url").equals(Buffer.from(mac, "base64url")) || v.startsWith(`${payload}=`)).toBe(true)
      await expectError(await fetch(`${server.url}/v1/files/${v}`), 403, "invalid_token")
    }
  })
})
