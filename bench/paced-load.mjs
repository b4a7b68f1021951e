// An open-loop HTTP/1.1 load generator: requests leave on an even schedule (`rate` per second), and
// each latency is measured from the request's *scheduled* time, so a stall anywhere (server, client,
// kernel) counts in full and is never hidden by sending less (no coordinated omission, as wrk2 does).
// autocannon's `overallRate` is not usable for this: each connection sends its per-second quota
// back to back at the start of every second, so what it measures is a burst, not a rate.
import net from "node:net"
import { performance } from "node:perf_hooks"
import { getRequest } from "./get-request.mjs"

/**
 * Runs `GET path` at `rate` requests per second for `durationMs` over at most `maxConnections`
 * keep-alive connections. Resolves with the latencies (ms, sorted) and counts.
 *
 * @param {{ host: string, port: number, path: string, headers?: Record<string, string>, rate: number, durationMs: number, maxConnections?: number }} options
 */
export const pacedLoad = async ({ host, port, path, headers = {}, rate, durationMs, maxConnections = 64 }) => {
  const request = Buffer.from(getRequest({ host, port, path, headers }), "latin1")
  const total = Math.round((rate * durationMs) / 1000)
  const latencies = new Float64Array(total)
  let measured = 0
  let done = 0
  let non2xx = 0
  let errors = 0
  let sent = 0
  let opened = 0
  const due = [] // scheduled times of requests waiting for a free connection
  const idle = []
  const sockets = new Set()
  let finish
  const finished = new Promise(resolve => (finish = resolve))
  const completeOne = () => {
    if (++done === total) finish()
  }

  const open = () =>
    new Promise((resolve, reject) => {
      opened++
      const socket = net.connect({ host, port, noDelay: true })
      const conn = { socket, scheduledAt: 0, inFlight: false, buffer: Buffer.alloc(0) }
      sockets.add(socket)
      socket.once("connect", () => resolve(conn))
      socket.once("error", reject)
      socket.on("data", chunk => {
        conn.buffer = conn.buffer.length === 0 ? chunk : Buffer.concat([conn.buffer, chunk])
        const headerEnd = conn.buffer.indexOf("\r\n\r\n")
        if (headerEnd < 0) return
        const head = conn.buffer.toString("latin1", 0, headerEnd)
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0)
        if (conn.buffer.length < headerEnd + 4 + length) return
        conn.buffer = conn.buffer.subarray(headerEnd + 4 + length)
        conn.inFlight = false
        latencies[measured++] = performance.now() - conn.scheduledAt
        const status = Number(head.slice(9, 12))
        if (status < 200 || status > 299) non2xx++
        completeOne()
        release(conn)
      })
      // The server may close an idle keep-alive connection (its keep-alive timeout): drop it from the
      // pool. A close with a request in flight is an error, and that request counts as done.
      socket.on("close", () => {
        sockets.delete(socket)
        const i = idle.indexOf(conn)
        if (i >= 0) idle.splice(i, 1)
        if (!conn.inFlight) return
        errors++
        completeOne()
      })
    })

  const send = (conn, scheduledAt) => {
    conn.scheduledAt = scheduledAt
    conn.inFlight = true
    conn.socket.write(request)
  }
  const release = conn => {
    const next = due.shift()
    if (next === undefined) idle.push(conn)
    else send(conn, next)
  }
  const grow = () =>
    open().then(release, () => {
      errors++
      if (due.length > 0) {
        due.shift()
        completeOne()
      }
    })

  for (let i = 0; i < Math.min(8, maxConnections); i++) idle.push(await open())
  const start = performance.now() + 5
  const interval = 1000 / rate
  const tick = () => {
    const now = performance.now()
    while (sent < total && start + sent * interval <= now) {
      const scheduledAt = start + sent * interval
      sent++
      const conn = idle.pop()
      if (conn) send(conn, scheduledAt)
      else {
        due.push(scheduledAt)
        if (sockets.size < maxConnections) void grow()
      }
    }
    if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()))
  }
  tick()
  await finished
  for (const s of sockets) s.destroy()
  const sorted = latencies.subarray(0, measured).sort()
  const pct = p => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
  return {
    requests: done,
    non2xx,
    errors,
    connections: opened,
    seconds: (performance.now() - start) / 1000,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: sorted.at(-1) ?? NaN
  }
}
