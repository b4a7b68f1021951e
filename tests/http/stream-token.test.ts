import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { CtsApiError } from "../../src/client/api-error.js"
import { createHttpClient } from "../../src/client/http-client.js"
import { parseSse, streamChunks } from "../../src/client/sse.js"
import { expectError, startTestServer, tokens, waitForRun, type TestServer } from "./support/test-server.js"

let server: TestServer
const client = (who: keyof typeof tokens) => createHttpClient({ baseUrl: server.url, token: tokens[who] })
let aliceRun = ""
let aliceOther = ""
let bobRun = ""

beforeAll(async () => {
  server = await startTestServer()
  aliceRun = (await client("alice").submit({ toolId: "http-chatty", params: { lines: 5 } })).id
  aliceOther = (await client("alice").submit({ toolId: "http-chatty", params: { lines: 1 } })).id
  bobRun = (await client("bob").submit({ toolId: "http-chatty", params: { lines: 1 } })).id
  for (const [id, who] of [
    [aliceRun, "alice"],
    [aliceOther, "alice"],
    [bobRun, "bob"]
  ] as const)
    await waitForRun(server, id, who)
}, 60_000)
afterAll(() => server?.stop())

/** Opens a stream URL with no credentials at all, as a browser EventSource does; returns the events' types. */
const openBare = async (url: string) => {
  const res = await fetch(url, { headers: { accept: "text/event-stream" } })
  if (res.status !== 200) return { status: res.status, body: await res.json(), types: [] as string[] }
  const types: string[] = []
  for await (const m of parseSse(streamChunks(res.body!))) types.push(m.event)
  return { status: 200, body: null, types }
}

describe("stream tokens for EventSource", () => {
  it("a token opens its run's log stream without headers, replaying to the end", async () => {
    const { streamUrl, expiresAt } = await client("alice").streamToken(aliceRun)
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(200_000)
    const opened = await openBare(streamUrl)
    expect(opened.status).toBe(200)
    expect(opened.types.filter(t => t === "log")).toHaveLength(5)
    expect(opened.types.at(-1)).toBe("end")
  })

  it("the token is bound to its run: on another run of the same principal, or on bob's, it is the same 404 as a foreign run", async () => {
    const { token } = await client("alice").streamToken(aliceRun)
    for (const id of [aliceOther, bobRun]) {
      const res = await fetch(`${server.url}/v1/runs/${id}/logs/stream?token=${encodeURIComponent(token)}`)
      await expectError(res, 404, "run_not_found")
    }
  })

  it("bob cannot get a token for alice's run (404), and his own token does not open her stream", async () => {
    const err = await client("bob")
      .streamToken(aliceRun)
      .catch(e => e)
    expect(err).toBeInstanceOf(CtsApiError)
    expect(err.status).toBe(404)
    const { token } = await client("bob").streamToken(bobRun)
    await expectError(await fetch(`${server.url}/v1/runs/${aliceRun}/logs/stream?token=${encodeURIComponent(token)}`), 404, "run_not_found")
  })

  it("forged tokens, artifact download tokens and a token on any other route are refused", async () => {
    const { token } = await client("alice").streamToken(aliceRun)
    const [head, sig] = token.split(".")
    const flipped = `${head}.${sig!.slice(0, -2)}${sig!.endsWith("AA") ? "BA" : "AA"}`
    await expectError(await fetch(`${server.url}/v1/runs/${aliceRun}/logs/stream?token=${flipped}`), 401, "invalid_token")
    const [artifact] = await client("alice").listArtifacts(aliceRun)
    const signed = await client("alice").signUrl(artifact!.id)
    const fileToken = new URL(signed.url).pathname.split("/").pop()!
    await expectError(await fetch(`${server.url}/v1/runs/${aliceRun}/logs/stream?token=${fileToken}`), 401, "invalid_token")
    await expectError(await fetch(`${server.url}/v1/runs/${aliceRun}?token=${encodeURIComponent(token)}`), 401)
    await expectError(await fetch(`${server.url}/v1/runs/${aliceRun}/logs?token=${encodeURIComponent(token)}`), 401)
    expect((await fetch(`${server.url}/v1/files/${encodeURIComponent(token)}`)).status).toBeGreaterThanOrEqual(400)
  })
})

describe("the fetch-only HTTP client", () => {
  it("lists, reads, follows and downloads with the sha256 of the record", async () => {
    const alice = client("alice")
    const page = await alice.listRuns({ limit: 1 })
    expect(page.items).toHaveLength(1)
    expect(page.nextCursor).not.toBeNull()
    const events = []
    for await (const e of alice.followEvents(aliceRun, 2)) events.push(e)
    expect(events[0]!.seq).toBe(3)
    expect(events.at(-1)!.type).toBe("end")
    const [artifact] = await alice.listArtifacts(aliceRun)
    const bytes = new Uint8Array(await (await alice.download(artifact!.id)).arrayBuffer())
    const digest = Buffer.from(await crypto.subtle.digest("SHA-256", bytes)).toString("hex")
    expect(digest).toBe(artifact!.sha256)
    const up = await alice.upload("note.txt", new Blob(["hello"]))
    expect(up.size).toBe(5)
    expect(up.input).toEqual({ type: "upload", value: up.id })
  })

  it("maps errors to code, message and suggestedAction", async () => {
    const err = await client("alice")
      .submit({ toolId: "no-such-tool" })
      .catch(e => e)
    expect(err).toBeInstanceOf(CtsApiError)
    expect(err.status).toBe(422)
    expect(err.code).toBe("unknown_tool")
    expect(err.message).toMatch(/no-such-tool/)
    expect(typeof err.suggestedAction).toBe("string")
    const wrong = await createHttpClient({ baseUrl: server.url, token: "wrong" })
      .listRuns()
      .catch(e => e)
    expect([wrong.status, wrong.code]).toEqual([401, "invalid_token"])
  })
})
