import { Readable } from "node:stream"
import { describe, expect, it } from "vitest"
import { createSseResponse, encodeSseEvent, formatSseEvent, type SseOptions, type SseSink } from "../../src/adapters/http/sse.js"
import { parseSseFrames, type SseFrame } from "./support/sse-parse.js"

type Created = ReturnType<typeof createSseResponse>
const bodyOf = (res: Created): AsyncIterable<Uint8Array> => (res instanceof Response ? res.body! : res.body) as unknown as AsyncIterable<Uint8Array>

const collect = async (res: Created, until: (f: SseFrame[]) => boolean = () => false) => {
  const frames: SseFrame[] = []
  for await (const f of parseSseFrames(bodyOf(res))) {
    frames.push(f)
    if (until(frames)) break
  }
  return frames
}

it("formats id, event and one JSON data line", () => {
  expect(formatSseEvent({ id: 7, event: "log", data: { message: "a\nb" } })).toBe('id: 7\nevent: log\ndata: {"message":"a\\nb"}\n\n')
})

describe.each([
  ["web ReadableStream", false],
  ["Node Readable", true]
])("SSE writer (%s)", (_, node) => {
  const opts = (o: Partial<SseOptions>): SseOptions => ({ retryMs: 1000, heartbeatMs: 60_000, node, ...o })

  it("sends retry first, then the events in order, then closes once", async () => {
    let closed = 0
    const response = createSseResponse(
      (sink) => {
        queueMicrotask(() => {
          for (let i = 1; i <= 3; i++) sink.write(encodeSseEvent({ id: i, event: i === 3 ? "end" : "log", data: { seq: i } }))
          sink.end()
          sink.end()
        })
        return { resume: () => {}, cancel: () => {} }
      },
      opts({ retryMs: 1500, onClose: () => closed++ })
    )
    const headers = response.headers instanceof Headers ? response.headers : new Headers()
    expect(headers.get("content-type")).toMatch(/^text\/event-stream/)
    const frames = await collect(response)
    expect(frames[0]).toEqual({ kind: "retry", ms: 1500 })
    expect(frames.slice(1)).toEqual([
      { kind: "event", id: "1", event: "log", data: '{"seq":1}' },
      { kind: "event", id: "2", event: "log", data: '{"seq":2}' },
      { kind: "event", id: "3", event: "end", data: '{"seq":3}' }
    ])
    expect(closed).toBe(1)
  })

  it("sends comment heartbeats while idle and reports a failure as a comment before closing", async () => {
    let sinkRef!: SseSink
    const response = createSseResponse(
      (sink) => {
        sinkRef = sink
        return { resume: () => {}, cancel: () => {} }
      },
      opts({ heartbeatMs: 20 })
    )
    const frames = await collect(response, (f) => {
      if (f.filter((x) => x.kind === "comment").length === 2) sinkRef.fail("store\nbroke")
      return false
    })
    expect(frames.filter((f) => f.kind === "comment").map((f) => (f as { text: string }).text)).toEqual(["ping", "ping", "stream failed: store broke"])
  })

  it("says stop past the high-water mark, resumes when the client drains, and cancels when it leaves", async () => {
    let sink!: SseSink
    let resumed = 0
    let canceled = 0
    const response = createSseResponse(
      (s) => {
        sink = s
        return { resume: () => resumed++, cancel: () => canceled++ }
      },
      opts({ highWaterBytes: 1000 })
    )
    const chunk = new Uint8Array(500)
    expect(sink.write(chunk)).toBe(true)
    expect(sink.write(chunk)).toBe(false)
    const before = resumed
    const iterator = bodyOf(response)[Symbol.asyncIterator]()
    for (let i = 0; i < (node ? 1 : 3); i++) await iterator.next()
    await new Promise((r) => setTimeout(r, 10))
    expect(resumed).toBeGreaterThan(before)
    await iterator.return!()
    if (response.body instanceof Readable) response.body.destroy()
    await new Promise((r) => setTimeout(r, 10))
    expect(canceled).toBe(1)
    expect(sink.write(chunk)).toBe(false)
  })
})
