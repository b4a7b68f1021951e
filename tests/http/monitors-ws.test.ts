import path from "node:path"
import NodeWebSocket from "crossws/websocket"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { jsonInit, rlogDir, startTestServer, tokens, type TestServer, waitForRun } from "./support/test-server.js"

const demo = path.join(rlogDir, "subaru_cruise_demo.rlog.zst")

interface WireEvent {
  readonly seq: number
  readonly type: string
  readonly status?: string
  readonly message?: string
}

/** The `ws` client API that crossws's Node client is on Node 20 (no global WebSocket): headers can be sent. */
interface NodeWs {
  on(event: "message", f: (data: unknown) => void): void
  on(event: "unexpected-response", f: (req: unknown, res: { statusCode?: number }) => void): void
  on(event: "error", f: (e: Error) => void): void
  on(event: "close", f: (code: number, reason: unknown) => void): void
  terminate(): void
}
const connect = (url: string, headers: Record<string, string>): NodeWs =>
  new (NodeWebSocket as unknown as new (url: string, protocols: string[], options: object) => NodeWs)(url, [], { headers })

interface WsResult {
  readonly events: WireEvent[]
  readonly code: number
  readonly reason: string
}

/** Opens a WebSocket to the monitor's stream as `who`; resolves with every message once it closes, or rejects with the refused upgrade's status. */
const openStream = (server: TestServer, id: string, opts: { who?: keyof typeof tokens | null; query?: string; onEvent?: (e: WireEvent) => void } = {}) =>
  new Promise<WsResult>((resolve, reject) => {
    const headers: Record<string, string> = opts.who === null ? {} : { authorization: `Bearer ${tokens[opts.who ?? "alice"]}` }
    const ws = connect(`${server.url.replace(/^http/, "ws")}/v1/monitors/${id}/stream${opts.query ?? ""}`, headers)
    const events: WireEvent[] = []
    ws.on("message", data => {
      const e = JSON.parse(String(data)) as WireEvent
      events.push(e)
      opts.onEvent?.(e)
    })
    ws.on("unexpected-response", (_req, res) => {
      reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode }))
      ws.terminate()
    })
    ws.on("error", e => reject(e))
    ws.on("close", (code, reason) => resolve({ events, code, reason: String(reason) }))
  })

const logPage = async (server: TestServer, id: string): Promise<WireEvent[]> =>
  ((await (await server.api(`/v1/runs/${id}/logs?limit=5000`)).json()) as { items: WireEvent[] }).items

describe("GET /v1/monitors/:id/stream as a WebSocket (loopback server, real client)", () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(() => server.stop())

  it("streams every event of a finished monitor in seq order, resumes after ?after= and Last-Event-ID, and closes 1000 after end", async () => {
    const res = await server.api("/v1/monitors", jsonInit("POST", { monitor: "can-bus-check", source: { simulate: demo }, params: { speed: 0, window_s: 2 } }))
    const { id } = (await res.json()) as { id: string }
    const live = await openStream(server, id)
    expect(live.code).toBe(1000)
    expect(live.events.at(-1)).toMatchObject({ type: "end", status: "completed" })
    expect((await waitForRun(server, id)).summary).toMatchObject({ frames: 101_640 })
    const persisted = await logPage(server, id)
    expect(live.events).toEqual(persisted)
    expect(live.events.map(e => e.seq)).toEqual(persisted.map((_, i) => i + 1))
    expect(live.events.some(e => e.type === "log" && e.message?.includes("simulated panda replaying"))).toBe(true)

    const k = Math.floor(persisted.length / 2)
    expect((await openStream(server, id, { query: `?after=${k}` })).events).toEqual(persisted.slice(k))
    const byHeader = await new Promise<WsResult>((resolve, reject) => {
      const ws = connect(`${server.url.replace(/^http/, "ws")}/v1/monitors/${id}/stream?after=1`, {
        authorization: `Bearer ${tokens.alice}`,
        "last-event-id": String(k + 1)
      })
      const events: WireEvent[] = []
      ws.on("message", d => events.push(JSON.parse(String(d)) as WireEvent))
      ws.on("error", reject)
      ws.on("close", (code, reason) => resolve({ events, code, reason: String(reason) }))
    })
    expect(byHeader.events).toEqual(persisted.slice(k + 1))

    const ended = await openStream(server, id, { query: `?after=${persisted.length}` })
    expect(ended).toMatchObject({ events: [], code: 1000, reason: "ended" })
    await expect(openStream(server, id, { query: `?after=${persisted.length + 5}` })).rejects.toMatchObject({ status: 400 })
  })

  it("refuses the upgrade with 404 for the other principal and 401 without credentials; an analyzer run is not a monitor", async () => {
    const res = await server.api("/v1/monitors", jsonInit("POST", { monitor: "can-bus-check", source: { path: demo }, params: {} }))
    const { id } = (await res.json()) as { id: string }
    await expect(openStream(server, id, { who: "bob" })).rejects.toMatchObject({ status: 404 })
    await expect(openStream(server, id, { who: null })).rejects.toMatchObject({ status: 401 })
    await expect(openStream(server, "no-such-run")).rejects.toMatchObject({ status: 404 })
    const analyzer = (await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 1 }, input: [] }))).json()) as {
      id: string
    }
    expect(analyzer.id).toMatch(/\w/)
    await expect(openStream(server, analyzer.id)).rejects.toMatchObject({ status: 404 })
    await waitForRun(server, id)
    await waitForRun(server, analyzer.id)
  })

  it("delivers a live capture's events as they happen; DELETE ends the socket with the canceled end event", async () => {
    const res = await server.api("/v1/monitors", jsonInit("POST", { monitor: "can-capture", source: { simulate: demo }, params: { speed: 1, segment_s: 1 } }))
    const { id } = (await res.json()) as { id: string }
    let stopped = false
    const done = openStream(server, id, {
      onEvent: e => {
        if (!stopped && e.type === "log" && e.message?.startsWith("capture-000.rlog")) {
          stopped = true
          void server.api(`/v1/monitors/${id}`, { method: "DELETE" })
        }
      }
    })
    const result = await done
    expect(stopped).toBe(true)
    expect(result.code).toBe(1000)
    expect(result.events.at(-1)).toMatchObject({ type: "end", status: "canceled" })
    expect(result.events.map(e => e.seq)).toEqual(result.events.map((_, i) => i + 1))
  })
})

describe("server close with an open monitor WebSocket", () => {
  it("close() ends the open sockets instead of waiting for the live monitor", async () => {
    const server = await startTestServer()
    const res = await server.api("/v1/monitors", jsonInit("POST", { monitor: "can-capture", source: { simulate: demo }, params: { speed: 1 } }))
    const { id } = (await res.json()) as { id: string }
    let first: () => void = () => undefined
    const gotOne = new Promise<void>(r => (first = r))
    const stream = openStream(server, id, { onEvent: () => first() })
    await gotOne
    await server.stop()
    const ended = await stream
    expect(ended.code).not.toBe(1000)
    expect(ended.events.at(-1)?.type).not.toBe("end")
  })
})
