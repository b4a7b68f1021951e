import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { parseSse, type SseMessage } from "../../src/client/sse.js"

const encoder = new TextEncoder()

const collect = async (chunks: ReadonlyArray<string>): Promise<Array<SseMessage>> => {
  const out: Array<SseMessage> = []
  async function* body() {
    for (const c of chunks) yield encoder.encode(c)
  }
  for await (const m of parseSse(body())) out.push(m)
  return out
}

const serialise = (m: { id: number; event: string; data: string }, eol: string): string =>
  `id: ${m.id}${eol}event: ${m.event}${eol}${m.data
    .split("\n")
    .map(l => `data: ${l}`)
    .join(eol)}${eol}${eol}`

describe("parseSse", () => {
  it("reads id, event and multi-line data, skipping retry and comments", async () => {
    const text = 'retry: 3000\n\n: ping\n\nid: 7\nevent: log\ndata: {"a":1}\ndata: second\n\nid: 8\nevent: end\ndata: {}\n\n'
    expect(await collect([text])).toEqual([
      { id: "7", event: "log", data: '{"a":1}\nsecond' },
      { id: "8", event: "end", data: "{}" }
    ])
  })

  it("drops an event whose closing blank line never arrived", async () => {
    expect(await collect(["id: 1\nevent: log\ndata: x\n\nid: 2\nevent: log\ndata: y\n"])).toEqual([{ id: "1", event: "log", data: "x" }])
  })

  it("yields the same events however the bytes are split and whatever the line ends", async () => {
    const message = fc.record({
      id: fc.nat(),
      event: fc.constantFrom("log", "progress", "status", "end"),
      data: fc
        .array(
          fc.string({ unit: "grapheme" }).filter(s => !/[\r\n]/.test(s)),
          { minLength: 1, maxLength: 3 }
        )
        .map(l => l.join("\n"))
    })
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { maxLength: 8 }),
        fc.constantFrom("\n", "\r\n", "\r"),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (messages, eol, cuts) => {
          const text = messages.map(m => serialise(m, eol)).join(`:hb${eol}${eol}`)
          const bytes = encoder.encode(text)
          const points = [...new Set(cuts.map(c => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b)
          const decoder = new TextDecoder()
          const pieces: Array<Uint8Array> = []
          let start = 0
          for (const p of [...points, bytes.length]) {
            pieces.push(bytes.slice(start, p))
            start = p
          }
          const out: Array<SseMessage> = []
          async function* body() {
            for (const piece of pieces) yield piece
          }
          for await (const m of parseSse(body())) out.push(m)
          expect(decoder.decode(bytes)).toBe(text)
          expect(out).toEqual(messages.map(m => ({ id: String(m.id), event: m.event, data: m.data })))
        }
      ),
      { numRuns: 300 }
    )
  })
})
