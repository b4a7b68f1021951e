import http from "node:http"
import { Readable } from "node:stream"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { parseSseFrames, type SseFrame } from "./support/sse-parse.js"
import { expectError, jsonInit, startTestServer, tokens, waitForRun, type TestServer } from "./support/test-server.js"

let server: TestServer
beforeAll(async () => {
  server = await startTestServer({ sseHeartbeatMs: 100, sseRetryMs: 750 })
})
afterAll(async () => server?.stop())

interface Received {
  readonly seq: number
  readonly event: string
  readonly data: { seq: number; type: string; message?: string; status?: string }
}

/** One connection: reads until `stopAfter` events (then aborts) or the stream ends. */
const connect = async (runId: string, after: number, via: "header" | "query", stopAfter: number) => {
  const controller = new AbortController()
  const res = await server.api(`/v1/runs/${runId}/logs/stream${via === "query" ? `?after=${after}` : ""}`, {
    headers: via === "header" && after > 0 ? { "last-event-id": String(after) } : {},
    signal: controller.signal
  })
  const frames: SseFrame[] = []
  const events: Received[] = []
  if (res.status !== 200) return { status: res.status, frames, events, ended: false }
  try {
    for await (const frame of parseSseFrames(res.body as unknown as AsyncIterable<Uint8Array>)) {
      frames.push(frame)
      if (frame.kind !== "event") continue
      events.push({ seq: Number(frame.id), event: frame.event, data: JSON.parse(frame.data) })
      if (events.length >= stopAfter) {
        controller.abort()
        break
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error
  }
  return { status: res.status, frames, events, ended: events.at(-1)?.event === "end" }
}

describe("SSE log stream", () => {
  it("gives 50 clients that drop and resume at random points every event exactly once, in order", async () => {
    const lines = 300
    const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines, everyMs: 4 } }))).json()
    const clients = Array.from({ length: 50 }, async (_, client) => {
      const seen: Received[] = []
      let connections = 0
      let last = 0
      for (;;) {
        const via = (client + connections) % 2 === 0 ? "header" : "query"
        const got = await connect(run.id, last, via, 1 + Math.floor(Math.random() * 80))
        connections++
        if (got.status === 204) break
        expect(got.status).toBe(200)
        expect(got.frames[0]).toEqual({ kind: "retry", ms: 750 })
        seen.push(...got.events)
        if (got.events.length) last = got.events.at(-1)!.seq
        if (connections > 500) throw new Error("too many reconnects")
      }
      return { seen, connections }
    })
    const results = await Promise.all(clients)
    const reference = (await (await server.api(`/v1/runs/${run.id}/logs?limit=5000`)).json()).items
    expect(reference.at(-1)).toMatchObject({ type: "end", status: "completed" })
    expect(reference.filter((e: { type: string; source?: string }) => e.type === "log" && e.source === "tool")).toHaveLength(lines)
    for (const { seen, connections } of results) {
      expect(connections).toBeGreaterThan(1)
      expect(seen.map(e => e.seq)).toEqual(reference.map((e: { seq: number }) => e.seq))
      expect(seen.map(e => e.data)).toEqual(reference)
      expect(seen.map(e => e.event)).toEqual(reference.map((e: { type: string }) => e.type))
    }
  })

  it("holds back a client that stops reading and catches it up exactly when it reads again, while another streams on", async () => {
    // ~16 MB of events: more than the loopback socket buffers and the server's 256 KiB per client,
    // so the server must stop writing to the stalled client and later catch it up from the store.
    const lines = 4000
    const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines, pad: 4000 } }))).json()
    const stalled = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .get(`${server.url}/v1/runs/${run.id}/logs/stream`, { headers: { authorization: `Bearer ${tokens.alice}` } }, res => {
          res.pause()
          resolve(res)
        })
        .on("error", reject)
    )
    expect(stalled.statusCode).toBe(200)
    const streaming = await connect(run.id, 0, "header", Number.MAX_SAFE_INTEGER)
    expect(streaming.ended).toBe(true)
    await waitForRun(server, run.id)
    const events: Array<{ id: string | null; event: string; data: string }> = []
    for await (const frame of parseSseFrames(Readable.from(stalled) as AsyncIterable<Uint8Array>)) if (frame.kind === "event") events.push(frame)
    const reference = (await (await server.api(`/v1/runs/${run.id}/logs?limit=5000`)).json()).items as Array<{ seq: number }>
    expect(reference.filter(e => (e as { source?: string }).source === "tool")).toHaveLength(lines)
    expect(streaming.events.map(e => e.seq)).toEqual(reference.map(e => e.seq))
    expect(events.map(e => Number(e.id))).toEqual(reference.map(e => e.seq))
    expect(events.map(e => JSON.parse(e.data))).toEqual(reference)
  }, 60_000)

  it("streams replay then live, sends heartbeats while idle, ends with `end`, then answers 204", async () => {
    const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 6, everyMs: 150 } }))).json()
    const got = await connect(run.id, 0, "header", Number.POSITIVE_INFINITY)
    expect(got.ended).toBe(true)
    expect(got.frames[0]).toEqual({ kind: "retry", ms: 750 })
    expect(got.frames.some(f => f.kind === "comment" && f.text === "ping")).toBe(true)
    const types = new Set(got.events.map(e => e.event))
    expect([...types].sort()).toEqual(["end", "log", "status"])
    expect(got.events.filter(e => e.event === "log" && e.data.message?.startsWith("line ")).map(e => e.data.message)).toEqual(
      Array.from({ length: 6 }, (_, i) => `line ${i + 1}`)
    )
    const end = got.events.at(-1)!
    expect(end.data).toMatchObject({ type: "end", status: "completed" })
    const again = await server.api(`/v1/runs/${run.id}/logs/stream`, { headers: { "last-event-id": String(end.seq) } })
    expect(again.status).toBe(204)
    expect((await server.api(`/v1/runs/${run.id}/logs/stream?after=${end.seq}`)).status).toBe(204)
    const tail = await connect(run.id, end.seq - 2, "query", Number.POSITIVE_INFINITY)
    expect(tail.events.map(e => e.seq)).toEqual([end.seq - 1, end.seq])
  })

  it("emits progress events", async () => {
    const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 200, everyMs: 2 } }))).json()
    const got = await connect(run.id, 0, "query", Number.POSITIVE_INFINITY)
    const progress = got.events.filter(e => e.event === "progress")
    expect(progress.length).toBeGreaterThan(0)
    for (const p of progress) expect((p.data as unknown as { fraction: number }).fraction).toBeGreaterThan(0)
  })

  it("answers 404 for an unknown run and 400 for a resume point past the log", async () => {
    await expectError(await server.api("/v1/runs/run_nope/logs/stream"), 404, "run_not_found")
    const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 1 } }))).json()
    await waitForRun(server, run.id)
    await expectError(await server.api(`/v1/runs/${run.id}/logs/stream`, { headers: { "last-event-id": "99999" } }), 400, "invalid_resume_point")
    await expectError(await server.api(`/v1/runs/${run.id}/logs/stream`, { headers: { "last-event-id": "abc" } }), 400, "invalid_query")
  })
})
