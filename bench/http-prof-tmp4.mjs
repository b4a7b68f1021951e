import http from "node:http"
import { createReadStream, writeFileSync, mkdtempSync } from "node:fs"
import { randomBytes } from "node:crypto"
import { tmpdir } from "node:os"
import path from "node:path"
import { Readable } from "node:stream"
import { Effect, Stream, Runtime } from "effect"
const dir = mkdtempSync(path.join(tmpdir(), "cts-dl-"))
const file = path.join(dir, "f.bin")
const size = 256 * 1024 * 1024
writeFileSync(file, Buffer.concat(Array.from({ length: 256 }, () => randomBytes(1024 * 1024))))
const hwm = Number(process.argv[2] ?? 65536)
const effectStream = () => Stream.fromAsyncIterable(createReadStream(file, { highWaterMark: hwm }), (e) => e)
const modes = {
  pipe: (res) => createReadStream(file, { highWaterMark: hwm }).pipe(res),
  webFromNode: async (res) => { const r = Readable.toWeb(createReadStream(file, { highWaterMark: hwm })).getReader(); for (;;) { const { done, value } = await r.read(); if (done) break; if (!res.write(value)) await new Promise((ok) => res.once("drain", ok)) } res.end() },
  effectWeb: async (res) => { const r = Stream.toReadableStream(effectStream()).getReader(); for (;;) { const { done, value } = await r.read(); if (done) break; if (!res.write(value)) await new Promise((ok) => res.once("drain", ok)) } res.end() },
  effectAsyncIter: async (res) => { const rd = Readable.from(Stream.toAsyncIterable(effectStream())); rd.pipe(res) },
}
for (const [name, fn] of Object.entries(modes)) {
  const server = http.createServer((req, res) => { res.writeHead(200, { "content-length": size }); fn(res) })
  await new Promise((r) => server.listen(0, "127.0.0.1", r))
  const port = server.address().port
  const rates = []
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    await new Promise((resolve) => http.get({ port, host: "127.0.0.1" }, (res) => { res.on("data", () => {}); res.on("end", resolve) }))
    rates.push((size / 1e6 / ((performance.now() - t) / 1000)).toFixed(0))
  }
  console.log(name, hwm, rates.join(" "))
  server.close()
}
