// Starts the built HTTP server for the benchmark in its own process and prints its URL on stdout.
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks"
import { startServer } from "../dist/index.js"

/** Garbage-collection pauses of this process (main thread), reported on SIGUSR2 as `gc <ms> <count>` so the bench can show where time went. */
let gcMs = 0
let gcCount = 0
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration
    gcCount++
  }
}).observe({ entryTypes: ["gc"] })
/** Event-loop delay since the previous report (ms): how long a ready callback waited for the main thread. */
const loopDelay = monitorEventLoopDelay({ resolution: 1 })
loopDelay.enable()
process.on("SIGUSR2", () => {
  process.stdout.write(
    `gc ${gcMs.toFixed(1)} ${gcCount} ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ${(loopDelay.max / 1e6).toFixed(1)} ${(process.memoryUsage().heapUsed / 1e6).toFixed(1)}\n`
  )
  loopDelay.reset()
})

const [dataDir, token] = process.argv.slice(2)
const server = await startServer({
  env: {},
  configFile: null,
  host: "127.0.0.1",
  port: 0,
  tokens: [{ principal: "bench", token }],
  rateLimit: null,
  maxUploadBytes: 4 * 1024 ** 3,
  core: { dataDir, concurrency: 2, inputRoots: [], extraToolModules: [new URL("./http-tools.mjs", import.meta.url).href] }
})
process.stdout.write(`${server.url}\n`)
process.on("SIGTERM", () => server.close().then(() => process.exit(0)))
