import http from "node:http"
import { createReadStream, writeFileSync, mkdtempSync } from "node:fs"
import { randomBytes } from "node:crypto"
import { tmpdir } from "node:os"
import path from "node:path"
import { Readable } from "node:stream"
import { Stream } from "effect"
const dir = mkdtempSync(path.join(tmpdir(), "cts-dl-"))
const file = path.join(dir, "f.bin")
const size = 256 * 1024 * 1024
writeFileSync(file, Buffer.concat(Array.from({ length: 256 }, () => randomBytes(1024 * 1024))))
for (const hwm of [65536, 1048576]) for (const mode of ["pipe", "effect"]) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "content-length": size })
    if (mode === "pipe") createReadStream(file, { highWaterMark: hwm }).pipe(res)
    else Readable.from(Stream.toAsyncIterable(Stream.fromAsyncIterable(createReadStream(file, { highWaterMark: hwm }), (e) => e)), { objectMode: false, highWaterMark: 1 << 20 }).pipe(res)
  })
  await new Promise((r) => server.listen(0, "127.0.0.1", r))
  const port = server.address().port
  const c0 = process.cpuUsage()
  const t = performance.now()
  for (let i = 0; i < 3; i++) await new Promise((resolve) => http.get({ port, host: "127.0.0.1" }, (res) => { res.on("data", () => {}); res.on("end", resolve) }))
  const c = process.cpuUsage(c0)
  console.log(mode, hwm, "MB/s", (3 * size / 1e6 / ((performance.now() - t) / 1000)).toFixed(0), "cpu s/GB (client+server)", ((c.user + c.system) / 1e6 / (3 * size / 1e9)).toFixed(2))
  server.close()
}
