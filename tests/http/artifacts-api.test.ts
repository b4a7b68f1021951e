import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { zipEntries } from "./support/zip-entries.js"
import { expectError, jsonInit, rlogDir, startTestServer, waitForRun, type TestServer } from "./support/test-server.js"

let server: TestServer
const rlogFile = path.join(rlogDir, "rav4_seg40.rlog.zst")
const rlogBytes = readFileSync(rlogFile)
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex")

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => server?.stop())

const upload = (body: BodyInit, name: string | null, who: "alice" | "bob" = "alice", headers: Record<string, string> = {}) =>
  server.api(`/v1/uploads${name === null ? "" : `?name=${encodeURIComponent(name)}`}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/octet-stream", ...headers },
    who,
    // @ts-expect-error Node's fetch needs this for stream bodies
    duplex: "half"
  })

/** Uploads the RAV4 log, runs the copy tool on it, and returns the run and its copy artifact. */
const copyRun = async () => {
  const up = await (await upload(rlogBytes, "rav4_seg40.rlog.zst")).json()
  const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-copy-input", input: up.input }))).json()
  const done = await waitForRun(server, run.id)
  const artifact = (await (await server.api(`/v1/runs/${run.id}/artifacts`)).json()).items[0]
  return { up, run: done, artifact }
}

describe("uploads and artifacts", () => {
  it("stores an upload with its sha256 and size, usable as a run input", async () => {
    const res = await upload(rlogBytes, "rav4_seg40.rlog.zst")
    expect(res.status).toBe(201)
    const up = await res.json()
    expect(up).toMatchObject({
      name: "rav4_seg40.rlog.zst",
      size: rlogBytes.length,
      sha256: sha(rlogBytes),
      run_id: null,
      input: { type: "upload", value: up.id }
    })
    expect(res.headers.get("location")).toBe(`${server.url}/v1/artifacts/${up.id}`)
    const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-copy-input", input: up.input }))).json()
    const done = await waitForRun(server, run.id)
    expect(done).toMatchObject({ status: "completed", summary: { sha256: sha(rlogBytes), name: "rav4_seg40.rlog.zst" } })
    expect(done.inputs).toEqual([{ name: "rav4_seg40.rlog.zst", size: rlogBytes.length, sha256: sha(rlogBytes), type: "upload", value: up.id }])
  })

  it("accepts a streamed (chunked) upload and the Content-Disposition filename", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < rlogBytes.length; i += 100_000) c.enqueue(rlogBytes.subarray(i, i + 100_000))
        c.close()
      }
    })
    const res = await upload(body, null, "alice", { "content-disposition": `attachment; filename="drive.rlog.zst"` })
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({ name: "drive.rlog.zst", size: rlogBytes.length, sha256: sha(rlogBytes) })
  })

  it("serves metadata, full downloads, ranges, ETag revalidation and safe headers", async () => {
    const { artifact } = await copyRun()
    expect(artifact).toMatchObject({
      name: "copy.bin",
      size: rlogBytes.length,
      sha256: sha(rlogBytes),
      content_type: "application/octet-stream",
      partial: false
    })
    const meta = await (await server.api(`/v1/artifacts/${artifact.id}`)).json()
    expect(meta).toEqual(artifact)

    const full = await server.api(`/v1/artifacts/${artifact.id}/download`)
    expect(full.status).toBe(200)
    expect(full.headers.get("etag")).toBe(`"${sha(rlogBytes)}"`)
    expect(full.headers.get("content-length")).toBe(String(rlogBytes.length))
    expect(full.headers.get("content-type")).toBe("application/octet-stream")
    expect(full.headers.get("content-disposition")).toBe(`attachment; filename="copy.bin"; filename*=UTF-8''copy.bin`)
    expect(full.headers.get("accept-ranges")).toBe("bytes")
    expect(full.headers.get("x-content-type-options")).toBe("nosniff")
    expect(Buffer.from(await full.arrayBuffer()).equals(rlogBytes)).toBe(true)

    const part = await server.api(`/v1/artifacts/${artifact.id}/download`, { headers: { range: "bytes=1000-1999" } })
    expect(part.status).toBe(206)
    expect(part.headers.get("content-range")).toBe(`bytes 1000-1999/${rlogBytes.length}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(rlogBytes.subarray(1000, 2000))).toBe(true)
    const suffix = await server.api(`/v1/artifacts/${artifact.id}/download`, { headers: { range: "bytes=-10" } })
    expect(Buffer.from(await suffix.arrayBuffer()).equals(rlogBytes.subarray(rlogBytes.length - 10))).toBe(true)
    const stale = await server.api(`/v1/artifacts/${artifact.id}/download`, { headers: { range: "bytes=0-9", "if-range": '"stale"' } })
    expect(stale.status).toBe(200)
    await stale.arrayBuffer()
    const beyond = await server.api(`/v1/artifacts/${artifact.id}/download`, { headers: { range: `bytes=${rlogBytes.length}-` } })
    await expectError(beyond, 416, "range_not_satisfiable")
    expect(beyond.headers.get("content-range")).toBe(`bytes */${rlogBytes.length}`)
    const cached = await server.api(`/v1/artifacts/${artifact.id}/download`, { headers: { "if-none-match": full.headers.get("etag")! } })
    expect(cached.status).toBe(304)
    const head = await server.api(`/v1/artifacts/${artifact.id}/download`, { method: "HEAD" })
    expect(head.status).toBe(200)
    expect(head.headers.get("content-length")).toBe(String(rlogBytes.length))
  })

  it("streams a run's bundle as a ZIP holding every artifact", async () => {
    const { run, artifact } = await copyRun()
    const res = await server.api(`/v1/runs/${run.id}/bundle`)
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toBe("application/zip")
    expect(res.headers.get("content-disposition")).toContain(`${run.id}.zip`)
    const entries = zipEntries(Buffer.from(await res.arrayBuffer()))
    expect([...entries.keys()]).toEqual([artifact.name])
    expect(sha(entries.get(artifact.name)!)).toBe(sha(rlogBytes))
  })

  it("refuses the bundle of an unfinished run with 409", async () => {
    const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-spin", params: { ms: 30_000 } }))).json()
    await expectError(await server.api(`/v1/runs/${run.id}/bundle`), 409, "run_not_finished")
    await server.api(`/v1/runs/${run.id}`, { method: "DELETE" })
  })

  it("signs expiring URLs that download without credentials, and refuses forged or expired ones", async () => {
    const { artifact } = await copyRun()
    const signed = await (await server.api(`/v1/artifacts/${artifact.id}/url`, jsonInit("POST", { ttl_s: 60 }))).json()
    expect(signed.url.startsWith(`${server.url}/v1/files/`)).toBe(true)
    expect(Date.parse(signed.expires_at) - Date.now()).toBeGreaterThan(50_000)
    const file = await fetch(signed.url)
    expect(file.status).toBe(200)
    expect(file.headers.get("etag")).toBe(`"${sha(rlogBytes)}"`)
    expect(sha(Buffer.from(await file.arrayBuffer()))).toBe(sha(rlogBytes))
    const ranged = await fetch(signed.url, { headers: { range: "bytes=0-3" } })
    expect(Buffer.from(await ranged.arrayBuffer()).equals(rlogBytes.subarray(0, 4))).toBe(true)

    const token = signed.url.slice(signed.url.lastIndexOf("/") + 1)
    const [payload, mac] = token.split(".")
    const forgedPayload = Buffer.from(
      Buffer.from(payload, "base64url")
        .toString()
        .replace(/\.\d+$/, ".9999999999")
    ).toString("base64url")
    await expectError(await fetch(`${server.url}/v1/files/${forgedPayload}.${mac}`), 403, "invalid_token")
    await expectError(await fetch(`${server.url}/v1/files/${payload}.${mac.slice(0, -2)}AA`), 403, "invalid_token")
    await expectError(await fetch(`${server.url}/v1/files/garbage`), 403, "invalid_token")

    const short = await (await server.api(`/v1/artifacts/${artifact.id}/url`, jsonInit("POST", { ttl_s: 1 }))).json()
    await new Promise(r => setTimeout(r, 2100))
    await expectError(await fetch(short.url), 403, "token_expired")
    await expectError(await server.api(`/v1/artifacts/${artifact.id}/url`, jsonInit("POST", { ttl_s: 10 ** 8 })), 422, "ttl_too_long")
    const byDefault = await server.api(`/v1/artifacts/${artifact.id}/url`, { method: "POST" })
    expect(byDefault.status).toBe(200)
  })
})
