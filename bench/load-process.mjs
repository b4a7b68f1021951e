// One piece of the HTTP bench's load in a fresh, small process (no SDK loaded, no earlier phase's
// heap): its own garbage collection and event-loop stalls then stay far below what it measures.
// Usage: node bench/load-process.mjs <paced|sse|download> '<json options>'  → one JSON line on stdout.
import { monitorEventLoopDelay, performance } from "node:perf_hooks"
import { pacedLoad } from "./paced-load.mjs"
import { rawDownload } from "./raw-download.mjs"
import { sseClients } from "./sse-clients.mjs"

/** Downloads `path` `times` times in a row; MB/s of each. */
const downloads = async o => {
  const rates = []
  for (let i = 0; i < o.times; i++) {
    const t = performance.now()
    const bytes = await Promise.all(Array.from({ length: o.parallel }, () => rawDownload(o)))
    const total = bytes.reduce((a, b) => a + b, 0)
    if (total !== o.expectBytes * o.parallel) throw new Error(`downloaded ${total} bytes, expected ${o.expectBytes * o.parallel}`)
    rates.push(total / 1e6 / ((performance.now() - t) / 1000))
  }
  return { rates }
}

const kinds = { paced: pacedLoad, sse: sseClients, download: downloads }
const [kind, json] = process.argv.slice(2)
const loop = monitorEventLoopDelay({ resolution: 1 })
loop.enable()
const cpu = process.cpuUsage()
const result = await kinds[kind](JSON.parse(json))
loop.disable()
const used = process.cpuUsage(cpu)
process.stdout.write(
  `${JSON.stringify({ ...result, clientStallMaxMs: loop.max / 1e6, clientCpuSeconds: (used.user + used.system) / 1e6, clientSystemSeconds: used.system / 1e6 })}\n`
)
process.exit(0)
