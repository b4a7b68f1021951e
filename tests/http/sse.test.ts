import { describe, expect, it } from "vitest"
import { createSseResponse, formatSseEvent, type SseEmit } from "../../src/adapters/http/sse.js"
import { parseSseFrames, type SseFrame } from "./support/sse-parse.js"

const collect = async (body: ReadableStream<Uint8Array>, until: (f: SseFrame[]) => boolean = () => false) => {
  const frames: SseFrame[] = []
  for await (const f of parseSseFrames(body as unknown as AsyncIterable<Uint8Array>)) {
    frames.push(f)
    if (until(frames)) break
  }
  return frames
}

describe("SSE writer", () => {
  it("formats id, event and one JSON data line", () => {
    expect(formatSseEvent({ id: 7, event: "log", data: { message: "a\nb" } })).toBe('id: 7\nevent: log\ndata: {"message":"a\\nb"}\n\n')
  })

  it("sends retry first, then the events in order, then closes", async () => {
    let closed = 0
    const response = createSseResponse(
      {
        run: async (emit) => {
          for (let i = 1; i <= 3; i++) await emit({ id: i, event: i === 3 ? "end" : "log", data: { seq: i } })
        },
        cancel: () => {}
      },
      { retryMs: 1500, heartbeatMs: 60_000, onClose: () => closed++ }
    )
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/)
    const frames = await collect(response.body!)
    expect(frames[0]).toEqual({ kind: "retry", ms: 1500 })
    expect(frames.slice(1)).toEqual([
      { kind: "event", id: "1", event: "log", data: '{"seq":1}' },
      { kind: "event", id: "2", event: "log", data: '{"seq":2}' },
      { kind: "event", id: "3", event: "end", data: '{"seq":3}' }
    ])
    expect(closed).toBe(1)
  })

  it("sends comment heartbeats while idle", async () => {
    let release!: () => void
    const response = createSseResponse(
      { run: () => new Promise<void>((r) => (release = r)), cancel: () => release() },
      { retryMs: 1000, heartbeatMs: 20 }
    )
    const frames = await collect(response.body!, (f) => f.filter((x) => x.kind === "comment").length >= 2)
    expect(frames.filter((f) => f.kind === "comment").map((f) => (f as { text: string }).text)).toEqual(["ping", "ping"])
    release()
  })

  it("holds the producer while the client does not read, and cancels it when the client leaves", async () => {
    let emitted = 0
    let canceled = false
    let emitRef!: SseEmit
    const response = createSseResponse(
      {
        run: async (emit) => {
          emitRef = emit
          for (let i = 1; i <= 10_000; i++) {
            await emit({ id: i, event: "log", data: { i } })
            emitted = i
          }
        },
        cancel: () => (canceled = true)
      },
      { retryMs: 1000, heartbeatMs: 60_000 }
    )
    await new Promise((r) => setTimeout(r, 50))
    expect(emitted).toBeLessThan(100)
    const reader = response.body!.getReader()
    await reader.read()
    await reader.cancel()
    expect(canceled).toBe(true)
    await expect(emitRef({ event: "log", data: 1 })).rejects.toThrow(/disconnected/)
  })
})
