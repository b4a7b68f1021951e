// npm run bench:cluster — runs/s through one server and 1 vs 2 `cts worker` nodes (BullMQ on a private
// Redis, the PostgreSQL run store) on the RAV4 log, and queue latency (submit → running, from the run
// records) p50/p99, beside the same runs in the embedded default (one process, in-process queue,
// SQLite). Needs PostgreSQL (CTS_TEST_PG_URL, from `eval "$(scripts/test-services.sh start)"`) and
// Debian's redis-server. Figures from a 2-core machine shared with other work are noisy: compare
// the rows of one run with each other.
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import pg from "pg"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const rlogDir = path.resolve(root, "../shared/data/rlog")
const input = path.join(rlogDir, "rav4_seg40.rlog.zst")
const RUNS = Number(process.env.CTS_BENCH_CLUSTER_RUNS ?? 12)
const TOOL = "can-bitwatch"
const PARAMS = { window_start: 20, window_end: 30 }
const pgUrl = process.env.CTS_TEST_PG_URL
const REDIS = "/usr/bin/redis-server"

if (!pgUrl || !existsSync(REDIS)) {
  console.error('bench:cluster needs PostgreSQL and redis-server: run `eval "$(scripts/test-services.sh start)"` first (it sets CTS_TEST_PG_URL).')
  process.exit(1)
}

const freePort = () =>
  new Promise(resolve => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

const waitLine = (child, pattern) =>
  new Promise((resolve, reject) => {
    let seen = ""
    child.stdout.on("data", d => {
      seen += d
      const m = pattern.exec(seen)
      if (m) resolve(m)
    })
    child.once("exit", code => reject(new Error(`process ended (exit ${code}) before ${pattern}: ${seen}`)))
  })

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

const SINGLES = Number(process.env.CTS_BENCH_CLUSTER_SINGLES ?? 10)

/** Submit → running of one run, ms, from its record. */
const dispatchMs = r => Date.parse(r.started_at ?? r.startedAt) - Date.parse(r.created_at ?? r.createdAt)

/**
 * Runs/s of a batch of RUNS submitted at once, then SINGLES runs one after another on the idle queue
 * (their submit → running is the queue's own latency, not time spent behind other runs).
 */
const measure = async (submit, wait) => {
  const t0 = performance.now()
  const submitted = await Promise.all(Array.from({ length: RUNS }, submit))
  const batch = await Promise.all(submitted.map(r => wait(r.id)))
  const wallS = (performance.now() - t0) / 1000
  const singles = []
  for (let i = 0; i < SINGLES; i++) singles.push(await wait((await submit()).id))
  const failed = [...batch, ...singles].find(r => r.status !== "completed")
  if (failed) throw new Error(`a run did not complete: ${JSON.stringify(failed)}`)
  const latency = singles.map(dispatchMs)
  return { runsPerS: batch.length / wallS, p50: percentile(latency, 50), p99: percentile(latency, 99) }
}

const embedded = async concurrency => {
  const { createCts } = await import(path.join(root, "dist/index.js"))
  const dir = mkdtempSync(path.join(tmpdir(), "cts-bench-embedded-"))
  const cts = await createCts({ dataDir: dir, concurrency })
  try {
    return await measure(
      () => cts.submit(TOOL, { input, params: PARAMS }),
      id => cts.wait(id)
    )
  } finally {
    await cts.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const cluster = async workerCount => {
  const dir = mkdtempSync(path.join(tmpdir(), "cts-bench-cluster-"))
  const admin = new pg.Client({ connectionString: pgUrl })
  await admin.connect()
  const dbName = `cts_bench_${process.pid}_${workerCount}`
  await admin.query(`CREATE DATABASE ${dbName}`)
  const dbUrl = new URL(pgUrl)
  dbUrl.pathname = `/${dbName}`
  const redisPort = await freePort()
  const children = []
  const stopAll = () => Promise.all(children.map(c => new Promise(r => (c.exitCode !== null ? r() : (c.once("exit", r), c.kill("SIGTERM"))))))
  try {
    const redis = spawn(REDIS, ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: ["ignore", "pipe", "ignore"]
    })
    children.push(redis)
    await waitLine(redis, /Ready to accept connections/)
    const env = {
      ...process.env,
      CTS_DATA_DIR: path.join(dir, "data"),
      CTS_STORE: dbUrl.href,
      CTS_QUEUE: `redis://127.0.0.1:${redisPort}`,
      CTS_INPUT_ROOTS: rlogDir,
      CTS_CONCURRENCY: "1"
    }
    const cli = path.join(root, "bin/cts.mjs")
    const server = spawn(process.execPath, [cli, "serve", "--port", "0", "--json"], { env, stdio: ["ignore", "pipe", "inherit"] })
    children.push(server)
    const url = JSON.parse((await waitLine(server, /\{.*"url".*\}/))[0]).url
    for (let i = 0; i < workerCount; i++) {
      const worker = spawn(process.execPath, [cli, "worker", "--json"], { env, stdio: ["ignore", "pipe", "inherit"] })
      children.push(worker)
      await waitLine(worker, /"worker":/)
    }
    const post = () =>
      fetch(`${url}/v1/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tool_id: TOOL, params: PARAMS, input: [{ type: "path", value: input }] })
      }).then(r => r.json())
    const get = id => fetch(`${url}/v1/runs/${id}`).then(r => r.json())
    const wait = async id => {
      for (;;) {
        const latest = await get(id)
        if (["completed", "failed", "canceled"].includes(latest.status)) return latest
        await new Promise(r => setTimeout(r, 20))
      }
    }
    return await measure(post, wait)
  } finally {
    await stopAll()
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
    await admin.end()
    rmSync(dir, { recursive: true, force: true })
  }
}

const fmt = n => n.toFixed(2)
const rows = [
  ["embedded, concurrency 1", await embedded(1)],
  ["embedded, concurrency 2", await embedded(2)],
  ["server + 1 worker", await cluster(1)],
  ["server + 2 workers", await cluster(2)]
]
console.log(`\n${TOOL} on rav4_seg40.rlog.zst, ${RUNS} runs per row (${spawnSync("nproc").stdout.toString().trim()} cores)`)
console.log(`${"setup".padEnd(26)}${"runs/s".padStart(8)}${"queue p50 ms".padStart(14)}${"queue p99 ms".padStart(14)}`)
for (const [name, f] of rows) console.log(`${name.padEnd(26)}${fmt(f.runsPerS).padStart(8)}${String(f.p50).padStart(14)}${String(f.p99).padStart(14)}`)
console.log(
  `runs/s: ${RUNS} runs submitted at once; queue latency: submit → running (started_at − created_at) of ${SINGLES} runs submitted one by one to the idle queue`
)
