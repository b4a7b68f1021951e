import { readFileSync } from "node:fs"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { READ_CHUNK_BYTES } from "../../src/core/artifacts/file-read.js"
import { rlogDir, startTestServer, type TestServer } from "./support/test-server.js"

/** 3.6 MB: the store reads it in several pieces. */
const bytes = readFileSync(path.join(rlogDir, "rav4_seg40.rlog"))
let server: TestServer
let id: string
beforeAll(async () => {
  server = await startTestServer()
  const res = await server.api("/v1/uploads?name=rav4.rlog", { method: "POST", body: bytes })
  id = ((await res.json()) as { id: string }).id
})
afterAll(() => server.stop())

const bytesSent = async () => {
  const text = await (await server.api("/v1/metrics")).text()
  return Number(/^cts_artifact_bytes_sent_total\{kind="download"\} (\d+)$/m.exec(text)?.[1] ?? 0)
}

describe("downloads of a multi-piece artifact", () => {
  it("sends whole bodies and ranges across read pieces exactly, and counts the bytes sent", async () => {
    const before = await bytesSent()
    const whole = await server.api(`/v1/artifacts/${id}/download`)
    expect(whole.headers.get("content-length")).toBe(String(bytes.length))
    expect(Buffer.compare(Buffer.from(await whole.arrayBuffer()), bytes)).toBe(0)
    const ranges: Array<[number, number]> = [
      [READ_CHUNK_BYTES - 3, READ_CHUNK_BYTES + 2],
      [1, 2 * READ_CHUNK_BYTES + 5],
      [3 * READ_CHUNK_BYTES, bytes.length - 1]
    ]
    let sent = bytes.length
    for (const [start, end] of ranges) {
      const part = await server.api(`/v1/artifacts/${id}/download`, { headers: { range: `bytes=${start}-${end}` } })
      expect(part.status).toBe(206)
      expect(part.headers.get("content-range")).toBe(`bytes ${start}-${end}/${bytes.length}`)
      expect(Buffer.compare(Buffer.from(await part.arrayBuffer()), bytes.subarray(start, end + 1))).toBe(0)
      sent += end - start + 1
    }
    expect((await bytesSent()) - before).toBe(sent)
  })
})
