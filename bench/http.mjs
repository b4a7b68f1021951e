// `npm run bench:http`: the HTTP adapter against its targets, on 127.0.0.1 only, bounded to about a minute.
// The server runs in its own process (bench/http-server.mjs); each piece of load runs in a fresh load
// process (bench/load-process.mjs) started from here, on the load side's core.
import { execFileSync, spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { availableParallelism, loadavg, tmpdir } from "node:os"
import path from "node:path"
import { performance } from "node:perf_hooks"
import { Readable } from "node:stream"
import autocannon from "autocannon"
import { SERVER_NODE_FLAGS } from "../dist/index.js"

// CTS_BENCH_HTTP_PHASES=get,busy (any of get, throughput, busy, sse, transfer): only those parts; default all.
const phases = new Set((process.env.CTS_BENCH_HTTP_PHASES || "get,throughput,busy,sse,transfer").split(",").map(x => x.trim()))
const token = randomBytes(24).toString("hex")
const dir = mkdtempSync(path.join(tmpdir(), "cts-bench-http-"))
const auth = { authorization: `Bearer ${token}` }
// CTS_BENCH_CPU_PROF=<dir>: the server process writes a V8 CPU profile there (open it in Chrome DevTools) to see where its time goes.
const profile = process.env.CTS_BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.CTS_BENCH_CPU_PROF)}`] : []
// Started the way `cts serve` runs (SERVER_NODE_FLAGS).
const child = spawn(
  process.execPath,
  [...SERVER_NODE_FLAGS, ...profile, new URL("./http-server.mjs", import.meta.url).pathname, path.join(dir, "data"), token],
  { stdio: ["ignore", "pipe", "inherit"] }
)
const url = await new Promise((resolve, reject) => {
  let out = ""
  child.stdout.on("data", d => {
    out += d
    if (out.includes("\n")) resolve(out.trim())
  })
  child.once("exit", code => reject(new Error(`server exited with ${code}`)))
})
const { hostname, port } = new URL(url)

/**
 * The load side (this process and the load processes it starts, which inherit its placement) moves to
 * the last core, as if it ran on another machine; the server keeps every core. Without this, on a small
 * machine the generator's own scheduling delays are measured as server latency.
 */
const pinLoadSide = () => {
  const cores = availableParallelism()
  if (process.platform !== "linux" || cores < 2) return "load side not pinned (needs Linux and 2+ cores)"
  try {
    execFileSync("taskset", ["--all-tasks", "--pid", "--cpu-list", String(cores - 1), String(process.pid)], { stdio: "ignore" })
    return `load side pinned to core ${cores - 1} of ${cores}; server unpinned`
  } catch {
    return "load side not pinned (no taskset)"
  }
}
const placement = pinLoadSide()

/**
 * Runs one piece of load (request generator, SSE clients, downloads) in a fresh load process
 * (bench/load-process.mjs) and resolves with its JSON result, which includes `clientStallMaxMs`.
 */
const runLoad = (kind, options) =>
  new Promise((resolve, reject) => {
    const load = spawn(process.execPath, [new URL("./load-process.mjs", import.meta.url).pathname, kind, JSON.stringify(options)], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    load.stdout.on("data", d => (out += d))
    load.once("error", reject)
    load.once("exit", code => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load process (${kind}) exited with ${code}`))))
  })
const target = { host: hostname, port: Number(port), headers: auth }

/** The server's GC pause total so far (ms, count) and its event-loop delay since the last call (p99, max ms), via SIGUSR2 (see http-server.mjs). */
const serverGc = () =>
  new Promise(resolve => {
    const onData = d => {
      const m = /^gc (\S+) (\d+) (\S+) (\S+) (\S+)$/m.exec(String(d))
      if (!m) return
      child.stdout.off("data", onData)
      resolve({ ms: Number(m[1]), count: Number(m[2]), loopDelayP99: Number(m[3]), loopDelayMax: Number(m[4]), heapMB: Number(m[5]) })
    }
    child.stdout.on("data", onData)
    child.kill("SIGUSR2")
  })

/** User and system CPU seconds the server process has used (Linux /proc; null elsewhere): figures that other load on the machine does not inflate. */
const serverCpuTimes = () => {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ")
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 }
  } catch {
    return null
  }
}
/** CPU seconds the server process has used (null where unknown). */
const serverCpu = () => {
  const t = serverCpuTimes()
  return t === null ? null : t.user + t.system
}
/** System (kernel) CPU seconds of the server process: socket and file syscalls (null where unknown). */
const serverSystemCpu = () => serverCpuTimes()?.system ?? null
/** Nanoseconds the server's main (event-loop) thread has spent waiting for a CPU while runnable (Linux schedstat; null elsewhere). */
const mainThreadWait = () => {
  try {
    return Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/schedstat`, "utf8").split(" ")[1])
  } catch {
    return null
  }
}
const cpuSince = start => (start === null ? null : serverCpu() - start)

const api = async (p, init = {}) => {
  const res = await fetch(url + p, { ...init, headers: { ...auth, ...(init.body ? { "content-type": "application/json" } : {}), ...init.headers } })
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${p}: ${res.status} ${await res.text()}`)
  return res.json()
}
const submit = (tool_id, params) => api("/v1/runs", { method: "POST", body: JSON.stringify({ tool_id, params }) })
const waitFor = async (id, statuses) => {
  for (;;) {
    const run = await api(`/v1/runs/${id}`)
    if (statuses.includes(run.status)) return run
    await new Promise(r => setTimeout(r, 50))
  }
}
const rows = []
const report = (what, figure, target, ok) => {
  rows.push({ what, figure, target, ok })
  console.log(`${ok ? "PASS" : "MISS"}  ${what}: ${figure}   (target ${target})`)
}

/** Latency of GET /v1/runs/:id at a fixed 2,000 req/s, evenly paced, measured from each request's scheduled time. */
const getLatency = async (runId, label) => {
  const gc0 = await serverGc()
  const cpu0 = serverCpu()
  const wait0 = mainThreadWait()
  const result = await runLoad("paced", { ...target, path: `/v1/runs/${runId}`, rate: 2000, durationMs: 8000 })
  const cpu = cpuSince(cpu0)
  const waited = wait0 === null ? null : (mainThreadWait() - wait0) / 1e6
  const gc1 = await serverGc()
  const ms = x => x.toFixed(2)
  report(
    `GET /v1/runs/:id at 2,000 req/s${label}`,
    `p50 ${ms(result.p50)} ms, p90 ${ms(result.p90)} ms, p99 ${ms(result.p99)} ms, max ${ms(result.max)} ms; ${result.requests} requests in ${result.seconds.toFixed(1)} s over ${result.connections} connections, ${result.non2xx} non-2xx, ${result.errors} errors; server process CPU (all threads) ${cpu === null ? "n/a" : `${Math.round((cpu / result.requests) * 1e6)} µs/request`}; event-loop thread runnable but waiting for a core: ${waited === null ? "n/a" : `${Math.round(waited)} ms`}; server GC pauses ${(gc1.ms - gc0.ms).toFixed(0)} ms in ${gc1.count - gc0.count}; server event-loop delay p99 ${gc1.loopDelayP99} ms, max ${gc1.loopDelayMax} ms; load process's longest stall ${result.clientStallMaxMs.toFixed(1)} ms`,
    "p99 < 5 ms",
    result.p99 < 5 && result.non2xx === 0 && result.errors === 0
  )
}

/** Closed-loop throughput (autocannon, 10 connections): how far above the 2,000 req/s target the route goes. */
const getThroughput = async runId => {
  const result = await autocannon({ url: `${url}/v1/runs/${runId}`, headers: auth, connections: 10, duration: 4 })
  report(
    "GET /v1/runs/:id closed loop (autocannon, 10 connections)",
    `${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, ${result.non2xx} non-2xx, ${result.errors} errors`,
    "(no target)",
    true
  )
}

/**
 * 500 SSE clients on one run (bench/sse-clients.mjs): time from the tool logging a line to each client
 * parsing it. Lines start once the clients have had time to connect; only lines logged after all 500
 * are connected count, and their first second (cold code on a new set of clients) is shown apart.
 */
const sseLatency = async clients => {
  const gc0 = await serverGc()
  const cpu0 = serverCpu()
  const run = await submit("bench-emit-clock", { lines: 250, everyMs: 40, delayMs: 3000 })
  const r = await runLoad("sse", { ...target, path: `/v1/runs/${run.id}/logs/stream`, clients, warmupMs: 1000 })
  const cpu = cpuSince(cpu0)
  const gc1 = await serverGc()
  const ms = x => x.toFixed(2)
  report(
    `${clients} SSE clients, log line → client (lines logged after all ${clients} connected, after a 1 s warm-up)`,
    `p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms, max ${ms(r.max)} ms over ${r.deliveries} deliveries (warm-up: p99 ${ms(r.warmupP99)} ms, max ${ms(r.warmupMax)} ms over ${r.warmupDeliveries}); ${r.ended}/${clients} saw end, ${r.outOfOrder} out of order; connecting all took ${Math.round(r.connectMs)} ms; server CPU ${cpu === null ? "n/a" : `${cpu.toFixed(2)} s in all`}; longest stall of the server's event loop ${gc1.loopDelayMax} ms (GC ${(gc1.ms - gc0.ms).toFixed(0)} ms in ${gc1.count - gc0.count}), of the load process ${r.clientStallMaxMs.toFixed(1)} ms (its CPU ${r.clientCpuSeconds.toFixed(2)} s)`,
    "p99 < 20 ms",
    r.p99 < 20 && r.deliveries >= clients * 100 && r.ended === clients && r.outOfOrder === 0
  )
}

/** curl's own download rate (MB/s) on the same core as the load side, as a reference; null when curl is missing. */
const curlRate = path => {
  try {
    const out = execFileSync(
      "curl",
      ["--silent", "--fail", "--output", "/dev/null", "--write-out", "%{speed_download}", "--header", `authorization: ${auth.authorization}`, `${url}${path}`],
      { encoding: "utf8" }
    )
    return Number(out) / 1e6
  } catch {
    return null
  }
}

/** Uploads `bytes` of data, then downloads it (one stream at a time, then 4 at once). */
const transfer = async bytes => {
  const block = randomBytes(1024 * 1024)
  let sent = 0
  const body = Readable.from(
    (function* () {
      while (sent < bytes) {
        sent += block.length
        yield block
      }
    })()
  )
  const t0 = performance.now()
  const up = await fetch(`${url}/v1/uploads?name=bench.bin`, {
    method: "POST",
    headers: { ...auth, "content-length": String(bytes) },
    body: Readable.toWeb(body),
    duplex: "half"
  }).then(r => r.json())
  const upMBs = bytes / 1e6 / ((performance.now() - t0) / 1000)
  report("upload (streamed to storage with sha256)", `${upMBs.toFixed(0)} MB/s for ${(bytes / 1e6).toFixed(0)} MB`, "(no target)", true)
  const path = `/v1/artifacts/${up.id}/download`
  const gc0 = await serverGc()
  console.log(`server heap before downloads: ${gc0.heapMB} MB`)
  const sys0 = serverSystemCpu()
  const cpu0 = serverCpu()
  const { rates: single, clientStallMaxMs } = await runLoad("download", { ...target, path, expectBytes: bytes, times: 3, parallel: 1 })
  const cpu = cpuSince(cpu0)
  const sys = sys0 === null ? null : serverSystemCpu() - sys0
  const gc1 = await serverGc()
  const best = Math.max(...single)
  const curl = [curlRate(path), curlRate(path), curlRate(path)]
  report(
    "artifact download, one stream",
    `${best.toFixed(0)} MB/s best of 3 (${single.map(x => x.toFixed(0)).join(", ")}), beside curl ${curl[0] === null ? "n/a (not installed)" : `${Math.max(...curl).toFixed(0)} MB/s best of 3 (${curl.map(x => x.toFixed(0)).join(", ")})`}; server CPU ${cpu === null ? "n/a" : `${(cpu / ((3 * bytes) / 1e9)).toFixed(2)} s/GB`}, of which kernel ${sys === null ? "n/a" : `${(sys / ((3 * bytes) / 1e9)).toFixed(2)} s/GB`} and GC pauses ${((gc1.ms - gc0.ms) / 1000 / ((3 * bytes) / 1e9)).toFixed(2)} s/GB (${gc1.count - gc0.count} collections); load process's longest stall ${clientStallMaxMs.toFixed(1)} ms`,
    "≥ 500 MB/s",
    best >= 500
  )
  const four = await runLoad("download", { ...target, path, expectBytes: bytes, times: 1, parallel: 4 })
  report("artifact download, 4 streams at once", `${four.rates[0].toFixed(0)} MB/s aggregate`, "(no target)", true)
}

try {
  console.log(
    `cts-lite HTTP bench against ${url} (server in its own process; ${placement}; ${process.platform} ${process.arch}, node ${process.version}; load average ${loadavg()
      .map(x => x.toFixed(1))
      .join(" ")})\n`
  )
  const seed = await submit("bench-emit-clock", { lines: 1, everyMs: 0, delayMs: 0 })
  await waitFor(seed.id, ["completed"])
  await runLoad("paced", { ...target, path: `/v1/runs/${seed.id}`, rate: 2000, durationMs: 1000 })
  if (phases.has("get")) await getLatency(seed.id, "")
  if (phases.has("throughput")) await getThroughput(seed.id)
  if (phases.has("busy")) {
    const burners = [await submit("bench-burn", { ms: 60_000 }), await submit("bench-burn", { ms: 60_000 })]
    await Promise.all(burners.map(b => waitFor(b.id, ["running"])))
    await getLatency(seed.id, ", two CPU-heavy runs executing")
    for (const b of burners) await api(`/v1/runs/${b.id}`, { method: "DELETE" })
    await Promise.all(burners.map(b => waitFor(b.id, ["canceled"])))
  }
  if (phases.has("sse")) await sseLatency(500)
  if (phases.has("transfer")) await transfer(512 * 1024 * 1024)
  const missed = rows.filter(r => !r.ok).length
  console.log(
    `\n${rows.length - missed}/${rows.length} figures within target (load average now ${loadavg()
      .map(x => x.toFixed(1))
      .join(" ")}; latency figures need idle cores)`
  )
} finally {
  child.kill("SIGTERM")
  await new Promise(r => child.once("exit", r))
  rmSync(dir, { recursive: true, force: true })
}
