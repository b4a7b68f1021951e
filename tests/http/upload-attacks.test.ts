import { randomBytes } from "node:crypto"
import { readFileSync } from "node:fs"
import { request } from "node:http"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createCts } from "../../src/adapters/sdk/create-cts.js"
import { createSandbox, startServe, type Sandbox, type TestServer } from "../cli/cli-harness.js"
import { listTemporaryFiles } from "../../src/core/artifacts/local-artifact-store.js"

const MiB = 1024 * 1024
const LIMIT = 8 * MiB
const ATTEMPT = 2 * 1024 * MiB
const BODY_WINDOW_MS = 1000
const BODY_MIN_BYTES = 4096

let box: Sandbox
let server: TestServer
let pid: number

/** The server process's resident set size, in bytes (Linux /proc). */
const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024

interface Sent {
  readonly status: number | null
  readonly bytesSent: number
  readonly ms: number
}

/**
 * POSTs `/v1/uploads?name=…` with a body produced on the fly: `total` bytes in `chunk`-sized writes
 * (one reused buffer, so the client holds nothing), `everyMs` apart; `abortAfter` destroys the socket
 * after that many bytes; `total: 0` sends the headers only. Ends when the server answers and closes, or the body is done.
 */
const pushUpload = (name: string, opts: { total: number; chunk: number; everyMs?: number; abortAfter?: number; contentLength?: number }) =>
  new Promise<Sent>(resolve => {
    const url = new URL(server.url)
    const started = Date.now()
    const buffer = randomBytes(opts.chunk)
    let bytesSent = 0
    let status: number | null = null
    let finished = false
    const headers: Record<string, string> = { "content-type": "application/octet-stream" }
    if (opts.contentLength !== undefined) headers["content-length"] = String(opts.contentLength)
    const req = request({ host: url.hostname, port: url.port, method: "POST", path: `/v1/uploads?name=${name}`, headers, agent: false })
    const finish = () => {
      if (finished) return
      finished = true
      resolve({ status, bytesSent, ms: Date.now() - started })
    }
    req.on("response", res => {
      status = res.statusCode!
      res.resume()
      res.on("end", () => {
        req.destroy()
        finish()
      })
    })
    req.on("error", () => setTimeout(finish, 200))
    req.on("close", () => setTimeout(finish, 200))
    const pump = async () => {
      if (opts.total === 0) return void req.flushHeaders()
      while (bytesSent < opts.total && status === null && !req.destroyed) {
        if (opts.abortAfter !== undefined && bytesSent >= opts.abortAfter) {
          req.destroy()
          return
        }
        const n = Math.min(opts.chunk, opts.total - bytesSent)
        const more = req.write(n === opts.chunk ? buffer : buffer.subarray(0, n))
        bytesSent += n
        if (!more) await new Promise<void>(r => req.once("drain", r).once("close", r))
        if (opts.everyMs) await new Promise(r => setTimeout(r, opts.everyMs))
      }
      if (!req.destroyed && status === null) req.end()
    }
    void pump()
  })

const dataDir = () => path.join(box.dir, "data")
const tempFiles = () => listTemporaryFiles(dataDir())

beforeAll(async () => {
  box = await createSandbox()
  server = await startServe({
    ...box.env,
    CTS_SERVE_PARALLEL_GC: "1",
    CTS_MAX_UPLOAD_BYTES: String(LIMIT),
    CTS_BODY_TIMEOUT_MS: String(BODY_WINDOW_MS),
    CTS_BODY_MIN_BYTES: String(BODY_MIN_BYTES)
  })
  pid = server.child.pid!
  const warm = await pushUpload("warm.bin", { total: 2 * MiB, chunk: 256 * 1024 })
  expect(warm.status).toBe(201)
}, 60_000)
afterAll(async () => {
  await server?.stop()
  await box?.cleanup()
})

describe("upload attacks against a server in its own process", () => {
  it("a 2 GB stream over the limit is cut at the limit with flat server memory", async () => {
    const before = rss()
    let peak = before
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20)
    const sent = await pushUpload("huge.bin", { total: ATTEMPT, chunk: 1 * MiB })
    clearInterval(sampler)
    peak = Math.max(peak, rss())
    const growthMiB = (peak - before) / MiB
    console.info(
      `[upload] 2 GiB attempt: ${sent.status} after ${(sent.bytesSent / MiB).toFixed(1)} MiB sent in ${sent.ms} ms; server RSS ${(before / MiB).toFixed(0)} → peak ${(peak / MiB).toFixed(0)} MiB (+${growthMiB.toFixed(1)} MiB)`
    )
    expect(sent.status).toBe(413)
    expect(sent.bytesSent).toBeLessThan(LIMIT + 64 * MiB)
    expect(growthMiB).toBeLessThan(50)
    const declared = await pushUpload("declared.bin", { total: 0, chunk: 64 * 1024, contentLength: ATTEMPT })
    expect(declared.status).toBe(413)
    expect(await tempFiles()).toEqual([])
    expect((await fetch(`${server.url}/v1/health`)).status).toBe(200)
  }, 60_000)

  it("an aborted upload leaves no partial file and no record", async () => {
    for (const contentLength of [6 * MiB, undefined]) {
      const sent = await pushUpload("aborted.bin", { total: 6 * MiB, chunk: 256 * 1024, abortAfter: 2 * MiB, ...(contentLength ? { contentLength } : {}) })
      expect(sent.status).toBeNull()
    }
    const deadline = Date.now() + 5000
    while ((await tempFiles()).length > 0 && Date.now() < deadline) await new Promise(r => setTimeout(r, 50))
    expect(await tempFiles()).toEqual([])
    expect((await fetch(`${server.url}/v1/health`)).status).toBe(200)
  }, 30_000)

  it("a trickling (slowloris) upload is cut with 408 and leaves nothing behind", async () => {
    const sent = await pushUpload("slow.bin", { total: 1 * MiB, chunk: 64, everyMs: 100 })
    console.info(`[upload] slowloris: ${sent.status} after ${sent.bytesSent} bytes in ${sent.ms} ms`)
    expect(sent.status).toBe(408)
    expect(sent.ms).toBeLessThan(BODY_WINDOW_MS * 5)
    expect(await tempFiles()).toEqual([])
    const steady = await pushUpload("steady.bin", { total: 64 * 1024, chunk: 8 * 1024, everyMs: 50 })
    expect(steady.status).toBe(201)
  }, 30_000)

  it("after all of it the store holds only the complete uploads", async () => {
    await server.stop()
    const cts = await createCts({ dataDir: dataDir() })
    try {
      const names = (await cts.listArtifacts({ prefix: "uploads/" })).items.map(a => [a.name, a.size])
      expect(names.sort()).toEqual(
        [
          ["steady.bin", 64 * 1024],
          ["warm.bin", 2 * MiB]
        ].sort()
      )
    } finally {
      await cts.close()
    }
    expect(await tempFiles()).toEqual([])
  }, 30_000)
})
