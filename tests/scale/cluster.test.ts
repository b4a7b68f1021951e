import { createHash } from "node:crypto"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import path from "node:path"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"
import { startFauxqs, type FauxqsServer } from "fauxqs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runTool } from "../../src/adapters/sdk/run-tool.js"
import { layerBullMQ } from "../../src/core/executor/bullmq-run-queue.js"
import { RunQueue, type QueuedRun } from "../../src/core/executor/run-queue.js"
import { createSandbox, startServe, type Sandbox, type TestServer } from "../cli/cli-harness.js"
import { testToolsModule } from "../core/helpers.js"
import { parseSse, streamChunks } from "../../src/client/sse.js"
import { parseSseFrames } from "../http/support/sse-parse.js"
import { rlogPath } from "../support/shared-data.js"
import { freshPgDatabase, pgUrl } from "../support/services.js"
import { eventually, hasRedisServer, REDIS_SERVER, startPrivateRedis, startWorkerProcess, type PrivateRedis, type TestWorker } from "./cluster-support.js"

if (!hasRedisServer) {
  const message = `scale-out tests skipped: ${REDIS_SERVER} is missing; start the test services with \`eval "$(scripts/test-services.sh start)"\` (it installs redis-server).`
  if (process.env.CI === "true") throw new Error(message)
  console.warn(message)
}

const pg = pgUrl()
const demo = rlogPath("subaru_cruise_demo.rlog.zst")
const BUCKET = "cts-cluster"
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

interface WireRun {
  readonly id: string
  readonly status: string
  readonly error: { readonly code: string } | null
}
interface WireArtifact {
  readonly id: string
  readonly name: string
  readonly size: number
  readonly sha256: string
  readonly partial?: boolean
}

const TERMINAL = ["completed", "failed", "canceled"]

describe.skipIf(!pg || !hasRedisServer)("scale-out on loopback: two servers and two `cts worker` nodes on Redis, PostgreSQL and S3", () => {
  let box: Sandbox
  let db: { url: string; drop: () => Promise<void> }
  let redis: PrivateRedis
  let s3: FauxqsServer
  let servers: Array<TestServer> = []
  let workers: Array<TestWorker> = []
  let nodeEnv: (name: string) => NodeJS.ProcessEnv

  const api = async <T>(server: TestServer, method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${server.url}${route}`, {
      method,
      ...(body !== undefined ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {})
    })
    return { status: res.status, body: (await res.json()) as T }
  }
  const submit = async (server: TestServer, toolId: string, params: Record<string, unknown>, input?: string) => {
    const res = await api<WireRun>(server, "POST", "/v1/runs", { tool_id: toolId, params, ...(input ? { input: [{ type: "path", value: input }] } : {}) })
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    return res.body
  }
  const get = async (server: TestServer, id: string) => (await api<WireRun>(server, "GET", `/v1/runs/${id}`)).body
  const ended = (server: TestServer, id: string, timeoutMs = 120_000) =>
    eventually(
      `run ${id} to end`,
      async () => {
        const run = await get(server, id)
        return TERMINAL.includes(run.status) ? run : undefined
      },
      timeoutMs
    )
  const artifactsOf = async (server: TestServer, id: string) =>
    (await api<{ items: Array<WireArtifact> }>(server, "GET", `/v1/runs/${id}/artifacts`)).body.items
  const download = async (server: TestServer, artifactId: string) => {
    const res = await fetch(`${server.url}/v1/artifacts/${artifactId}/download`)
    expect(res.status).toBe(200)
    return new Uint8Array(await res.arrayBuffer())
  }
  /** The process holding a run's lease, from the store itself. */
  const leaseOwnerPid = (runId: string) =>
    Effect.runPromise(
      Effect.flatMap(SqlClient.SqlClient, sql => sql<{ lease_owner: string | null }>`SELECT lease_owner FROM runs WHERE id = ${runId}`).pipe(
        Effect.provide(PgClient.layer({ url: Redacted.make(db.url), maxConnections: 1 })),
        Effect.scoped
      )
    ).then(rows => {
      const m = /\/(\d+):/.exec(rows[0]?.lease_owner ?? "")
      return m ? Number(m[1]) : null
    })

  beforeAll(async () => {
    box = await createSandbox()
    db = await freshPgDatabase(pg!)
    redis = await startPrivateRedis()
    s3 = await startFauxqs({ port: 0, host: "127.0.0.1", logger: false })
    s3.createBucket(BUCKET)
    const common: NodeJS.ProcessEnv = {
      ...box.env,
      CTS_STORE: db.url,
      CTS_QUEUE: redis.url,
      CTS_ARTIFACTS: `s3://${BUCKET}/runs`,
      CTS_S3_ENDPOINT: `http://127.0.0.1:${s3.port}`,
      CTS_S3_REGION: "us-east-1",
      CTS_S3_ACCESS_KEY_ID: "test",
      CTS_S3_SECRET_ACCESS_KEY: "test",
      CTS_SIGNING_KEY: "cluster-test-signing-key-0123456789abcdef",
      CTS_INPUT_ROOTS: path.dirname(demo),
      CTS_TOOL_MODULES: testToolsModule,
      CTS_CONCURRENCY: "1"
    }
    nodeEnv = name => ({ ...common, CTS_DATA_DIR: path.join(box.dir, name) })
    servers = await Promise.all([startServe(nodeEnv("server-a")), startServe(nodeEnv("server-b"))])
    workers = await Promise.all([startWorkerProcess(nodeEnv("worker-1")), startWorkerProcess(nodeEnv("worker-2"))])
  }, 120_000)

  afterAll(async () => {
    await Promise.all([...workers.map(w => w.stop()), ...servers.map(s => s.stop())])
    await s3?.stop()
    await redis?.stop()
    await db?.drop()
    await box?.cleanup()
  }, 60_000)

  it("health on each server names the queue and counts both workers", async () => {
    for (const server of servers) {
      const health = await eventually("two workers in health", async () => {
        const h = (
          await api<{ executor: { workers: number | null }; dependencies: Record<string, { backend: string; ok: boolean }> }>(server, "GET", "/v1/health")
        ).body
        return h.executor.workers === 2 ? h : undefined
      })
      expect(health.dependencies).toMatchObject({
        store: { backend: "postgres", ok: true },
        artifacts: { backend: "s3", ok: true },
        queue: { backend: "redis", ok: true }
      })
    }
    const metrics = await (await fetch(`${servers[0]!.url}/v1/metrics`)).text()
    expect(metrics).toMatch(/^cts_queue_workers 2$/m)
    expect(metrics.match(/^cts_queue_worker_idle_seconds\{worker="[^"]+"\} \d+/gm)?.length).toBe(2)
  }, 90_000)

  it("20 runs submitted across both servers all complete, each with artifacts identical (sha256) to the embedded run of the same input", async () => {
    const params = { window_dur: 5 }
    const embedded = await runTool("rlog-to-csv", { input: demo, params, config: { dataDir: path.join(box.dir, "embedded"), concurrency: 1 } })
    expect(embedded.status).toBe("completed")
    const expected = Object.fromEntries(embedded.artifacts.map(a => [a.name, a.sha256]))
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => submit(servers[i % 2]!, "rlog-to-csv", params, demo)))
    expect(new Set(runs.map(r => r.id)).size).toBe(20)
    for (const [i, run] of runs.entries()) {
      const other = servers[(i + 1) % 2]!
      expect(await ended(other, run.id), run.id).toMatchObject({ status: "completed" })
      const artifacts = await artifactsOf(other, run.id)
      expect(Object.fromEntries(artifacts.map(a => [a.name, a.sha256]))).toEqual(expected)
    }
    // run figures come from the shared store: a server that executed none of the runs counts all 20
    const metrics = await (await fetch(`${servers[0]!.url}/v1/metrics`)).text()
    expect(metrics).toContain('cts_runs{tool="rlog-to-csv",status="completed"} 20')
    expect(metrics).toContain('cts_run_duration_seconds_count{tool="rlog-to-csv",status="completed"} 20')
    const sample = (await artifactsOf(servers[1]!, runs[0]!.id))[0]!
    expect(sha(await download(servers[1]!, sample.id))).toBe(expected[sample.name])
  }, 300_000)

  it("a run on an uploaded input (in S3) is read by the worker as a stream through its own S3 store: the tool sees the uploaded bytes, no node keeps a copy", async () => {
    const bytes = new Uint8Array(readFileSync(demo))
    const up = await fetch(`${servers[0]!.url}/v1/uploads?name=demo.rlog.zst`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: bytes
    })
    expect(up.status).toBe(201)
    const upload = (await up.json()) as { id: string }
    const res = await api<WireRun>(servers[1]!, "POST", "/v1/runs", { tool_id: "test-chatty", params: {}, input: [{ type: "upload", value: upload.id }] })
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    const run = (await ended(servers[0]!, res.body.id)) as WireRun & { summary: { copies: Array<string> } }
    expect(run).toMatchObject({ status: "completed", summary: { copies: [sha(bytes)] } })
    // the worker read the object from the bucket: no node of the cluster has the input's bytes as a file
    const nodeFiles = ["server-a", "server-b", "worker-1", "worker-2"]
      .map(node => path.join(box.dir, node))
      .filter(dir => existsSync(dir))
      .flatMap(dir =>
        readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter(f => f.isFile())
          .map(f => path.join(f.parentPath, f.name))
      )
    expect(nodeFiles.filter(f => f.includes("s3-cache"))).toEqual([])
    expect(nodeFiles.filter(f => statSync(f).size === bytes.length && sha(readFileSync(f)) === sha(bytes))).toEqual([])
  }, 90_000)

  it("SSE on the other server gets every event of a run a worker executes exactly once, and resumes by Last-Event-ID", async () => {
    const run = await submit(servers[0]!, "test-chatty", {}, demo)
    const stream = await fetch(`${servers[1]!.url}/v1/runs/${run.id}/logs/stream`)
    expect(stream.headers.get("content-type")).toContain("text/event-stream")
    const seqs: Array<number> = []
    for await (const frame of parseSseFrames(stream.body as unknown as AsyncIterable<Uint8Array>)) if (frame.kind === "event") seqs.push(Number(frame.id))
    const all = (await api<{ items: Array<{ seq: number; type: string }> }>(servers[0]!, "GET", `/v1/runs/${run.id}/logs?limit=5000`)).body.items
    expect(all.at(-1)?.type).toBe("end")
    expect(seqs).toEqual(all.map(e => e.seq))
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1))
    const from = Math.floor(seqs.length / 2)
    const resumed = await fetch(`${servers[1]!.url}/v1/runs/${run.id}/logs/stream`, { headers: { "last-event-id": String(from) } })
    const rest: Array<number> = []
    for await (const frame of parseSseFrames(resumed.body as unknown as AsyncIterable<Uint8Array>)) if (frame.kind === "event") rest.push(Number(frame.id))
    expect(rest).toEqual(seqs.slice(from))
  }, 90_000)

  it("the run-changes feed of server B shows a run submitted on A and executed by a worker move to completed", async () => {
    const abort = new AbortController()
    const res = await fetch(`${servers[1]!.url}/v1/run-changes`, { signal: abort.signal, headers: { accept: "text/event-stream" } })
    expect(res.headers.get("content-type")).toContain("text/event-stream")
    const messages = parseSse(streamChunks(res.body!))[Symbol.asyncIterator]()
    expect((await messages.next()).value?.event).toBe("ready")
    const run = await submit(servers[0]!, "test-chatty", {}, demo)
    const statuses: Array<string> = []
    for (;;) {
      const { value, done } = await messages.next()
      if (done) break
      if (value.event !== "run") continue
      const record = JSON.parse(value.data) as WireRun
      if (record.id !== run.id) continue
      statuses.push(record.status)
      if (TERMINAL.includes(record.status)) break
    }
    abort.abort()
    expect(statuses).toContain("running")
    expect(statuses.at(-1)).toBe("completed")
  }, 90_000)

  it("a cancel sent to server A stops a run that a worker executes within 1 s", async () => {
    const run = await submit(servers[1]!, "test-slow-artifact", { everyMs: 20 })
    await eventually("the run to run", async () => ((await get(servers[0]!, run.id)).status === "running" ? true : undefined))
    const started = performance.now()
    const cancel = await api<{ outcome: string; run: WireRun }>(servers[0]!, "DELETE", `/v1/runs/${run.id}`)
    const elapsed = performance.now() - started
    expect(cancel.body).toMatchObject({ outcome: "canceled", run: { status: "canceled" } })
    expect(elapsed).toBeLessThan(1000)
    expect((await get(servers[1]!, run.id)).status).toBe("canceled")
  }, 90_000)

  it("SIGKILL of the worker executing a run ends it `worker_lost`; no artifact is left half-written; the other worker goes on", async () => {
    const run = await submit(servers[0]!, "test-slow-artifact", { everyMs: 20 })
    await eventually("the run to run with its first artifact", async () => ((await artifactsOf(servers[0]!, run.id)).length > 0 ? true : undefined))
    const pid = await eventually("the lease owner", () => leaseOwnerPid(run.id).then(p => p ?? undefined))
    const victim = workers.find(w => w.pid === pid)
    expect(victim, `lease owner pid ${pid} is one of the workers`).toBeDefined()
    victim!.child.kill("SIGKILL")
    const lost = await ended(servers[1]!, run.id, 60_000)
    expect(lost).toMatchObject({ status: "failed", error: { code: "worker_lost" } })
    const artifacts = await artifactsOf(servers[1]!, run.id)
    expect(artifacts.map(a => a.name)).toEqual(["first.txt"])
    for (const a of artifacts) {
      const bytes = await download(servers[1]!, a.id)
      expect(bytes.length).toBe(a.size)
      expect(sha(bytes)).toBe(a.sha256)
    }
    const after = await submit(servers[1]!, "test-chatty", {}, demo)
    expect(await ended(servers[0]!, after.id)).toMatchObject({ status: "completed" })
    workers = [...workers.filter(w => w !== victim), await startWorkerProcess(nodeEnv("worker-3"))]
  }, 120_000)

  it("while Redis is down a submit answers 503 queue_unavailable and leaves no queued run; after it restarts, runs go through with no manual step", async () => {
    await redis.kill()
    const refused = await api<{ error: { code: string } }>(servers[0]!, "POST", "/v1/runs", {
      tool_id: "test-chatty",
      params: {},
      input: [{ type: "path", value: demo }]
    })
    expect(refused).toMatchObject({ status: 503, body: { error: { code: "queue_unavailable" } } })
    const down = (await api<{ dependencies: { queue: { ok: boolean; error?: string } } }>(servers[1]!, "GET", "/v1/health")).body
    expect(down.dependencies.queue.ok).toBe(false)
    const listed = (await api<{ items: Array<WireRun> }>(servers[1]!, "GET", "/v1/runs?status=queued")).body.items
    expect(listed).toEqual([])
    await redis.start()
    for (const server of servers)
      await eventually("the queue to be reachable and both workers back", async () => {
        const h = (await api<{ executor: { workers: number | null }; dependencies: { queue: { ok: boolean } } }>(server, "GET", "/v1/health")).body
        return h.dependencies.queue.ok && h.executor.workers === 2 ? true : undefined
      })
    const runs = await Promise.all([submit(servers[0]!, "test-chatty", {}, demo), submit(servers[1]!, "test-chatty", {}, demo)])
    for (const run of runs) expect(await ended(servers[0]!, run.id)).toMatchObject({ status: "completed" })
  }, 120_000)

  it("SIGTERM lets a worker finish its running run (drain) while new runs go to the other worker, then it exits 0", async () => {
    const run = await submit(servers[0]!, "test-slow-artifact", { chunks: 150, everyMs: 20 })
    await eventually("the run to run with its first artifact", async () => ((await artifactsOf(servers[0]!, run.id)).length > 0 ? true : undefined))
    const pid = await eventually("the lease owner", () => leaseOwnerPid(run.id).then(p => p ?? undefined))
    const draining = workers.find(w => w.pid === pid)!
    expect(draining).toBeDefined()
    const exited = new Promise<number | null>(resolve => draining.child.once("exit", code => resolve(code)))
    draining.child.kill("SIGTERM")
    const meanwhile = await submit(servers[1]!, "test-chatty", {}, demo)
    expect(await ended(servers[1]!, meanwhile.id)).toMatchObject({ status: "completed" })
    expect(await ended(servers[1]!, run.id)).toMatchObject({ status: "completed", summary: { slowSize: 150 * 1024 } })
    expect(await exited).toBe(0)
    workers = [...workers.filter(w => w !== draining), await startWorkerProcess(nodeEnv("worker-4"))]
  }, 120_000)

  it("the BullMQ queue keeps one job per run id, and a run nobody took is removed once", async () => {
    const run: QueuedRun = {
      runId: "run_duplicate_probe",
      timeoutMs: 1000,
      job: { runId: "run_duplicate_probe", toolId: "test-chatty", toolVersion: "1.2.3", moduleUrl: null, params: {}, inputs: [] }
    }
    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const queue = yield* RunQueue
          yield* queue.offer(run)
          yield* queue.offer(run)
          const depth = yield* queue.depth
          const first = yield* queue.remove(run.runId)
          const second = yield* queue.remove(run.runId)
          return { depth, first, second }
        }).pipe(Effect.provide(layerBullMQ({ url: redis.url, consume: false, concurrency: 1, name: "cts-duplicate-probe" })))
      )
    )
    expect(outcome).toEqual({ depth: { waiting: 1, taken: 0 }, first: true, second: false })
  })
})
