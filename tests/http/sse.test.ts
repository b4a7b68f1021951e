import { PassThrough, Writable } from "node:stream"
import { describe, expect, it } from "vitest"
import { createSseResponse, encodeSseEvent, formatSseEvent, type SseOptions, type SseSink } from "../../src/adapters/http/sse.js"
import { parseSseFrames, type SseFrame } from "./support/sse-parse.js"

type Created = ReturnType<typeof createSseResponse>
interface PipedBody {
  pipe: <D extends Writable>(destination: D) => D
}

/** The bytes a client receives: a web body as is; a Node body piped, as the host does, into a response stand-in. */
const open = (res: Created): (AsyncIterable<Uint8Array> & PassThrough) | ReadableStream<Uint8Array> =>
  res instanceof Response ? res.body! : (res.body as unknown as PipedBody).pipe(new PassThrough())

const collect = async (res: Created, until: (f: SseFrame[]) => boolean = () => false) => {
  const frames: SseFrame[] = []
  for await (const f of parseSseFrames(open(res) as AsyncIterable<Uint8Array>)) {
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
  ["Node body piped into the response", true]
])("SSE writer (%s)", (_, node) => {
  const opts = (o: Partial<SseOptions>): SseOptions => ({ retryMs: 1000, heartbeatMs: 60_000, node, ...o })

  it("sends retry first, then the events in order, then closes once", async () => {
    let closed = 0
    const response = createSseResponse(
      sink => {
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
      sink => {
        sinkRef = sink
        return { resume: () => {}, cancel: () => {} }
      },
      opts({ heartbeatMs: 20 })
    )
    const frames = await collect(response, f => {
      if (f.filter(x => x.kind === "comment").length === 2) sinkRef.fail("store\nbroke")
      return false
    })
    expect(frames.filter(f => f.kind === "comment").map(f => (f as { text: string }).text)).toEqual(["ping", "ping", "stream failed: store broke"])
  })

  it("says stop past the high-water mark, resumes when the client drains, and cancels when it leaves", async () => {
    let sink!: SseSink
    let resumed = 0
    let canceled = 0
    const response = createSseResponse(
      s => {
        sink = s
        return { resume: () => resumed++, cancel: () => canceled++ }
      },
      opts({ highWaterBytes: 1000 })
    )
    // The Node body goes into a response that holds every write until released (its own buffer
    // asks to wait at once), so the writer's high-water mark alone decides when to stop.
    const held: Array<() => void> = []
    const nodeResponse = new Writable({ highWaterMark: 0, write: (_chunk, _encoding, done) => void held.push(done) })
    const webBody = node ? null : (response as Response).body!
    if (node) (response.body as unknown as PipedBody).pipe(nodeResponse)
    const chunk = new Uint8Array(500)
    expect(sink.write(chunk)).toBe(true)
    expect(sink.write(chunk)).toBe(false)
    const before = resumed
    const reader = webBody?.getReader()
    if (reader) for (let i = 0; i < 3; i++) await reader.read()
    while (held.length > 0) held.shift()!()
    await new Promise(r => setTimeout(r, 10))
    expect(resumed).toBeGreaterThan(before)
    if (reader) await reader.cancel()
    else nodeResponse.destroy()
    await new Promise(r => setTimeout(r, 10))
    expect(canceled).toBe(1)
    expect(sink.write(chunk)).toBe(false)
  })
})

describe("SSE writer (Node body)", () => {
  it("starts nothing for a HEAD request (the host aborts the body) and ends the response", async () => {
    let started = 0
    const response = createSseResponse(
      () => {
        started++
        return { resume: () => {}, cancel: () => {} }
      },
      { retryMs: 1000, heartbeatMs: 60_000, node: true }
    )
    const body = response.body as unknown as PipedBody & { abort: () => void }
    body.abort()
    const destination = body.pipe(new PassThrough())
    const bytes: Array<Buffer> = []
    for await (const chunk of destination) bytes.push(chunk as Buffer)
    expect(started).toBe(0)
    expect(Buffer.concat(bytes).length).toBe(0)
  })
})
