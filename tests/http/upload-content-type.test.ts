import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { peekHead, saneContentType, uploadContentType } from "../../src/core/artifacts/upload-content-type.js"
import { rlogDir, sharedData, startTestServer, type TestServer } from "./support/test-server.js"

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex")
const files = {
  zst: path.join(rlogDir, "rav4_seg40.rlog.zst"),
  bz2: path.join(rlogDir, "rav4_seg40.rlog.bz2"),
  raw: path.join(rlogDir, "rav4_seg40.rlog"),
  csv: path.join(rlogDir, "rav4_seg40.frames.csv"),
  dbc: path.join(sharedData, "opendbc/toyota_adas.dbc")
}

describe("upload content types", () => {
  it("recognises zstd, bz2, DBC and CSV by their bytes (and name for CSV); raw logs stay octet-stream", () => {
    const head = (file: string) => readFileSync(file).subarray(0, 4096)
    expect(uploadContentType(head(files.zst), null, "a.bin")).toBe("application/zstd")
    expect(uploadContentType(head(files.bz2), "application/x-www-form-urlencoded", "a.bin")).toBe("application/x-bzip2")
    expect(uploadContentType(head(files.dbc), null, "toyota_adas.dbc")).toBe("text/x-dbc")
    expect(uploadContentType(head(files.csv), null, "frames.csv")).toBe("text/csv")
    expect(uploadContentType(head(files.csv), null, "frames.txt")).toBe("text/plain")
    expect(uploadContentType(head(files.raw), null, "rlog")).toBe("application/octet-stream")
    expect(uploadContentType(head(files.raw), "application/x-capnp; charset=binary", "rlog")).toBe("application/x-capnp")
  })

  it("takes a declared type only when it is a plain type/subtype that is neither a form encoding nor active content", () => {
    expect(saneContentType("Application/JSON; charset=utf-8")).toBe("application/json")
    for (const bad of [
      null,
      "",
      "text",
      "a/b/c",
      "text/html",
      "image/svg+xml",
      "multipart/form-data; boundary=x",
      "application/x-www-form-urlencoded",
      "text/plain\r\nx: y"
    ]) {
      expect(saneContentType(bad)).toBeNull()
    }
  })

  it("hands on every byte after peeking at the head, whatever the chunking", async () => {
    const bytes = readFileSync(files.zst).subarray(0, 300_000)
    for (const size of [97, 1000, 4095, 4096, 65536, bytes.length]) {
      async function* chunks() {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
      }
      const { head, body } = await peekHead(chunks())
      expect(Buffer.from(head).equals(bytes.subarray(0, 4096))).toBe(true)
      const parts: Array<Uint8Array> = []
      for await (const c of body) parts.push(c)
      expect(sha(Buffer.concat(parts))).toBe(sha(bytes))
    }
  })
})

describe("POST /v1/uploads stores the content type", () => {
  let server: TestServer
  beforeAll(async () => void (server = await startTestServer()))
  afterAll(() => server.stop())

  const upload = async (file: string, name: string, contentType: string) => {
    const bytes = readFileSync(file)
    const res = await server.api(`/v1/uploads?name=${name}`, { method: "POST", body: bytes, headers: { "content-type": contentType } })
    expect(res.status).toBe(201)
    const meta = (await res.json()) as { id: string; sha256: string; size: number; content_type: string }
    expect(meta).toMatchObject({ sha256: sha(bytes), size: bytes.length })
    return meta
  }

  it("sniffs a zstd log sent as a form body and serves it with that type", async () => {
    const meta = await upload(files.zst, "drive.rlog.zst", "application/x-www-form-urlencoded")
    expect(meta.content_type).toBe("application/zstd")
    const res = await server.api(`/v1/artifacts/${meta.id}/download`)
    expect(res.headers.get("content-type")).toBe("application/zstd")
    expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(meta.sha256)
  })

  it("keeps a sane declared type for bytes it does not recognise, and octet-stream otherwise", async () => {
    expect((await upload(files.raw, "rlog", "application/x-capnp")).content_type).toBe("application/x-capnp")
    expect((await upload(files.raw, "rlog", "text/html")).content_type).toBe("application/octet-stream")
    expect((await upload(files.csv, "frames.csv", "application/octet-stream")).content_type).toBe("text/csv")
  })
})
