import { Effect, Option, type ManagedRuntime } from "effect"
import { Executor } from "../../core/executor/executor.js"
import { RunQueue, type QueueWorker } from "../../core/executor/run-queue.js"
import { collectRunStatistics } from "../../core/observability/run-statistics.js"
import { RUN_DURATION_BUCKETS } from "../../model/run-statistics.js"
import { MetricsRegistry } from "./metrics-registry.js"

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** The server's metrics and the hooks routes call to feed them. */
export interface ServerMetrics {
  readonly registry: MetricsRegistry
  readonly observeRequest: (method: string, route: string, status: number, seconds: number) => void
  readonly artifactBytesSent: (kind: "download" | "bundle" | "file", bytes: number) => void
  readonly uploadBytesReceived: (bytes: number) => void
  readonly sseClientOpened: () => void
  readonly sseClientClosed: () => void
  /** Live SSE connections right now. */
  readonly sseClients: () => number
}

/** Builds the metrics registry; run and queue figures are read from the core at scrape time (the run store's running totals: constant cost per scrape). */
export const createServerMetrics = (runtime: ManagedRuntime.ManagedRuntime<Executor, unknown>): ServerMetrics => {
  const registry = new MetricsRegistry()
  const requests = registry.counter("cts_http_requests_total", "HTTP requests by method, route template and status.")
  const latency = registry.histogram("cts_http_request_duration_seconds", "Time to response headers by method and route template.", latencyBuckets)
  const sent = registry.counter("cts_artifact_bytes_sent_total", "Artifact bytes sent to clients (downloads, bundles, signed files).")
  const received = registry.counter("cts_upload_bytes_received_total", "Upload bytes stored.")
  const sse = registry.gauge("cts_sse_clients", "Live SSE log-stream connections.")
  const queue = registry.gauge("cts_executor_queue_depth", "Runs waiting (on a shared queue: all nodes') or executing on this node.")
  const workers = registry.gauge("cts_queue_workers", "Worker nodes taking runs from the shared run queue (absent for an in-process queue).")
  const heartbeat = registry.gauge("cts_queue_worker_idle_seconds", "Seconds since each worker node last polled the shared run queue (its heartbeat).")
  const runs = registry.gauge("cts_runs", "Persisted runs by tool and status.")
  const durations = registry.histogram("cts_run_duration_seconds", "Duration of finished runs, start to finish, by tool and status.", RUN_DURATION_BUCKETS)
  let live = 0
  /** The two series of each method, route template and status seen (a bounded set: routes and statuses are few). */
  const requestSeries = new Map<string, { readonly count: () => void; readonly time: (seconds: number) => void }>()
  sse.set({}, 0)

  registry.onCollect(async () => {
    const sharedWorkers = Effect.flatMap(Effect.serviceOption(RunQueue), q =>
      Option.isSome(q) && q.value.workers ? q.value.workers.pipe(Effect.orElseSucceed((): ReadonlyArray<QueueWorker> | null => null)) : Effect.succeed(null)
    )
    const [depth, stats, nodes] = await runtime.runPromise(
      Effect.all([Effect.flatMap(Executor, e => e.queueDepth), collectRunStatistics.pipe(Effect.orElseSucceed(() => null)), sharedWorkers])
    )
    queue.set({ state: "queued" }, depth.queued)
    queue.set({ state: "running" }, depth.running)
    heartbeat.reset()
    if (nodes !== null) {
      workers.set({}, nodes.length)
      for (const node of nodes) heartbeat.set({ worker: node.name }, node.idleSeconds)
    }
    if (stats === null) return
    runs.reset()
    durations.reset()
    for (const c of stats.counts) runs.set({ tool: c.toolId, status: c.status }, c.count)
    for (const d of stats.durations) durations.set({ tool: d.toolId, status: d.status }, d.histogram)
  })

  return {
    registry,
    observeRequest: (method, route, status, seconds) => {
      const key = `${status} ${method} ${route}`
      let series = requestSeries.get(key)
      if (series === undefined) {
        series = { count: requests.bind({ method, route, status: String(status) }), time: latency.bind({ method, route }) }
        requestSeries.set(key, series)
      }
      series.count()
      series.time(seconds)
    },
    artifactBytesSent: (kind, bytes) => sent.inc({ kind }, bytes),
    uploadBytesReceived: bytes => received.inc({}, bytes),
    sseClientOpened: () => sse.set({}, ++live),
    sseClientClosed: () => sse.set({}, --live),
    sseClients: () => live
  }
}
