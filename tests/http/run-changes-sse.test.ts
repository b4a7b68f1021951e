import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createHttpClient } from "../../src/client/http-client.js"
import { parseSse, streamChunks, type SseMessage } from "../../src/client/sse.js"
import type { RunWire } from "../../src/client/wire-types.js"
import { expectError, startTestServer, tokens, waitForRun, type TestServer } from "./support/test-server.js"

let server: TestServer
const client = (who: keyof typeof tokens) => createHttpClient({ baseUrl: server.url, token: tokens[who] })

beforeAll(async () => {
  server = await startTestServer()
}, 60_000)
afterAll(() => server?.stop())

const ORDER = ["queued", "running", "completed", "failed", "canceled"]

/** Opens `url` with `init` and hands back its events as they come, plus a way to close it. */
const openFeed = async (url: string, init: RequestInit = {}) => {
  const abort = new AbortController()
  const res = await fetch(url, { ...init, signal: abort.signal, headers: { accept: "text/event-stream", ...init.headers } })
  expect(res.status).toBe(200)
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/)
  const messages = parseSse(streamChunks(res.body!))[Symbol.asyncIterator]()
  const next = async (): Promise<SseMessage> => (await messages.next()).value as SseMessage
  return { next, close: () => abort.abort() }
}

/** Reads `run` events until `id` has a terminal status; returns that run's records in order and every run id seen. */
const followUntilEnded = async (feed: Awaited<ReturnType<typeof openFeed>>, id: string) => {
  const mine: RunWire[] = []
  const seen = new Set<string>()
  for (;;) {
    const m = await feed.next()
    if (m.event !== "run") continue
    const run = JSON.parse(m.data) as RunWire
    seen.add(run.id)
    if (run.id !== id) continue
    mine.push(run)
    if (ORDER.indexOf(run.status) >= 2) return { mine, seen }
  }
}

describe("GET /v1/run-changes: your runs as they change, pushed", () => {
  it("with a stream token (as EventSource): alice sees her run from queued to completed, once per change, and never bob's run", async () => {
    const { streamUrl } = await client("alice").runChangesToken()
    const feed = await openFeed(streamUrl)
    expect((await feed.next()).event).toBe("ready")
    const bobs = await client("bob").submit({ toolId: "http-chatty", params: { lines: 3 } })
    const run = await client("alice").submit({ toolId: "http-chatty", params: { lines: 100, everyMs: 5 } })
    const { mine, seen } = await followUntilEnded(feed, run.id)
    feed.close()
    await waitForRun(server, bobs.id, "bob")
    expect(seen.has(bobs.id)).toBe(false)
    const log = await client("alice").readEvents(run.id)
    const changes = log.filter(e => e.type === "status" || e.type === "progress")
    expect(mine).toHaveLength(changes.length)
    const statuses = mine.map(r => ORDER.indexOf(r.status))
    expect([...statuses].sort((a, b) => a - b)).toEqual(statuses)
    const final = await client("alice").getRun(run.id)
    expect(mine.at(-1)!.status).toBe("completed")
    expect(mine.at(-1)!.status).toBe(final.status)
    expect(mine.at(-1)!.finished_at).toBe(final.finished_at)
    expect(mine.some(r => r.status === "running" && r.progress?.fraction === 0.5)).toBe(true)
  }, 60_000)

  it("with the Authorization header, as any API client", async () => {
    const feed = await openFeed(`${server.url}/v1/run-changes`, { headers: { authorization: `Bearer ${tokens.bob}` } })
    expect((await feed.next()).event).toBe("ready")
    const run = await client("bob").submit({ toolId: "http-chatty", params: { lines: 2 } })
    const { mine } = await followUntilEnded(feed, run.id)
    feed.close()
    expect(mine[0]!.status).toBe("queued")
    expect(mine.at(-1)!.status).toBe("completed")
  }, 60_000)

  it("refuses no credentials, a run's log-stream token, and takes no run-changes token on a run's log stream", async () => {
    await expectError(await fetch(`${server.url}/v1/run-changes`), 401)
    const run = await client("alice").submit({ toolId: "http-chatty", params: { lines: 1 } })
    const { token: runToken } = await client("alice").streamToken(run.id)
    await expectError(await fetch(`${server.url}/v1/run-changes?token=${encodeURIComponent(runToken)}`), 401, "invalid_token")
    const { token } = await client("alice").runChangesToken()
    await expectError(await fetch(`${server.url}/v1/runs/${run.id}/logs/stream?token=${encodeURIComponent(token)}`), 404, "run_not_found")
    await expectError(await fetch(`${server.url}/v1/run-changes?token=x${encodeURIComponent(token)}`), 401, "invalid_token")
  })
})
