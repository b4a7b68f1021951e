import { spawn, spawnSync, type ChildProcess } from "node:child_process"
import { createHash, randomBytes } from "node:crypto"
import { readFileSync, writeFileSync } from "node:fs"
import { Readable } from "node:stream"
import { createServer } from "node:net"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startServer, type RunningServer } from "../../src/adapters/http/start-server.js"
import { ManagedRuntime } from "effect"
import type { CtsError } from "../../src/core/errors.js"
import { makeCtsLayer, type CtsServices } from "../../src/core/runtime.js"
import { tempDir, until } from "../core/helpers.js"
import { repoRoot } from "../support/shared-data.js"

const nginxBin = ["/usr/sbin/nginx", "/usr/bin/nginx"].find(p => spawnSync(p, ["-v"]).status === 0)
if (!nginxBin && process.env.CI === "true") throw new Error("nginx is not installed, but CI=true (.ci/run installs it with apt-get)")
if (!nginxBin) console.warn("[skipped] nginx site test: nginx is not installed (Debian: apt-get install nginx)")

const freePort = () =>
  new Promise<number>(resolve => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })

/** 1 MiB blocks: one random block with its index written at both ends, so any byte range has a known content. */
const BLOCK = 1024 * 1024
const seed = randomBytes(BLOCK)
const block = (i: number) => {
  const b = Buffer.from(seed)
  b.writeUInt32BE(i, 0)
  b.writeUInt32BE(i, BLOCK - 4)
  return b
}
const BIG_BLOCKS = 500

describe.skipIf(!nginxBin)("deploy/nginx/cts.conf in front of a loopback cts server (real nginx)", () => {
  const tmp = tempDir("nginx")
  let runtime: ManagedRuntime.ManagedRuntime<CtsServices, CtsError>
  let server: RunningServer
  let nginx: ChildProcess
  let base = ""

  beforeAll(async () => {
    runtime = ManagedRuntime.make(
      makeCtsLayer({
        dataDir: path.join(tmp.dir, "data"),
        inputRoots: [],
        concurrency: 1,
        extraToolModules: [path.join(repoRoot, "tests/deploy/fixtures/ticker-tool.mjs")],
        env: {}
      })
    )
    server = await startServer({ runtime, host: "127.0.0.1", port: 0, env: {}, configFile: null, maxUploadBytes: 1024 ** 3 })
    const port = await freePort()
    const site = readFileSync(path.join(repoRoot, "deploy/nginx/cts.conf"), "utf8")
      .replace("server 127.0.0.1:8765;", `server ${new URL(server.url).host};`)
      .replace(/listen 80;/, `listen 127.0.0.1:${port};`)
      .replace(/listen \[::\]:80;\n/, "")
    expect(site).toContain(`listen 127.0.0.1:${port};`)
    writeFileSync(path.join(tmp.dir, "site.conf"), site)
    const temp = (name: string) => `${name}_temp_path ${path.join(tmp.dir, name)};`
    writeFileSync(
      path.join(tmp.dir, "nginx.conf"),
      [
        process.getuid?.() === 0 ? "user root;" : "",
        "worker_processes 1;",
        "daemon off;",
        `pid ${path.join(tmp.dir, "nginx.pid")};`,
        `error_log ${path.join(tmp.dir, "error.log")} warn;`,
        "events { worker_connections 128; }",
        `http { access_log off; ${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(temp).join(" ")} include ${path.join(tmp.dir, "site.conf")}; }`
      ].join("\n")
    )
    nginx = spawn(nginxBin!, ["-p", tmp.dir, "-e", path.join(tmp.dir, "error.log"), "-c", path.join(tmp.dir, "nginx.conf")], { stdio: "inherit" })
    base = `http://127.0.0.1:${port}`
    await until(
      () =>
        fetch(`${base}/v1/version`).then(
          r => r.ok,
          () => false
        ),
      10_000,
      50
    )
  })

  afterAll(async () => {
    nginx?.kill("SIGTERM")
    await server?.close()
    await runtime?.dispose()
    tmp.cleanup()
  })

  it("passes SSE events one by one as the run produces them, not at the end", async () => {
    const res = await fetch(`${base}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tool_id: "test-ticker", params: { count: 8, everyMs: 250 } })
    })
    expect(res.status).toBe(202)
    const run = (await res.json()) as { id: string }
    const stream = await fetch(`${base}/v1/runs/${run.id}/logs/stream`)
    expect(stream.headers.get("content-type")).toMatch(/text\/event-stream/)
    const arrivals: Array<{ tick: number; at: number }> = []
    const decoder = new TextDecoder()
    let text = ""
    for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true })
      for (const m of text.matchAll(/"message":"tick (\d+)"/g))
        if (!arrivals.some(a => a.tick === Number(m[1]))) arrivals.push({ tick: Number(m[1]), at: Date.now() })
      if (text.includes("event: end")) break
    }
    expect(arrivals.map(a => a.tick)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    const gaps = arrivals.slice(1).map((a, i) => a.at - arrivals[i]!.at)
    // Produced 250 ms apart: through a buffering proxy they would arrive together at the end.
    expect(arrivals.at(-1)!.at - arrivals[0]!.at).toBeGreaterThan(1200)
    expect(gaps.filter(g => g > 100).length).toBeGreaterThanOrEqual(5)
  })

  it("takes a streamed 500 MB upload and serves it whole and by Range through the proxy", async () => {
    const whole = createHash("sha256")
    const body = Readable.toWeb(
      Readable.from(
        (function* () {
          for (let i = 0; i < BIG_BLOCKS; i++) {
            const b = block(i)
            whole.update(b)
            yield b
          }
        })()
      )
    )
    const uploaded = await fetch(`${base}/v1/uploads?name=route.bin`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body,
      duplex: "half"
    } as RequestInit)
    expect(uploaded.status).toBe(201)
    const meta = (await uploaded.json()) as { id: string; size: number; sha256: string }
    expect(meta.sha256).toBe(whole.copy().digest("hex"))
    expect(meta.size).toBe(BIG_BLOCKS * BLOCK)
    const start = 321 * BLOCK - 5
    const ranged = await fetch(`${base}/v1/artifacts/${meta.id}/download`, { headers: { range: `bytes=${start}-${start + 9}` } })
    expect(ranged.status).toBe(206)
    expect(ranged.headers.get("content-range")).toBe(`bytes ${start}-${start + 9}/${meta.size}`)
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(Buffer.concat([block(320).subarray(BLOCK - 5), block(321).subarray(0, 5)]))
    const tail = await fetch(`${base}/v1/artifacts/${meta.id}/download`, { headers: { range: "bytes=-3" } })
    expect([tail.status, [...Buffer.from(await tail.arrayBuffer())]]).toEqual([206, [...block(BIG_BLOCKS - 1).subarray(BLOCK - 3)]])
    const full = await fetch(`${base}/v1/artifacts/${meta.id}/download`)
    expect([full.status, full.headers.get("content-length")]).toEqual([200, String(meta.size)])
    const got = createHash("sha256")
    let bytes = 0
    for await (const chunk of full.body as unknown as AsyncIterable<Uint8Array>) got.update(chunk), (bytes += chunk.byteLength)
    expect([bytes, got.digest("hex")]).toEqual([meta.size, whole.digest("hex")])
  }, 180_000)
})
