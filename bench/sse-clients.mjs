// Many server-sent-event clients on one run: when each log line reaches each client.
import net from "node:net"
import { performance } from "node:perf_hooks"
import { getRequest } from "./get-request.mjs"

const now = () => performance.timeOrigin + performance.now()
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

/**
 * One event stream over a raw socket read into its own reused buffer (`onread`): no allocation and
 * no stream machinery per read, so 500 clients sharing one core cost the measuring side less per
 * delivery than the server spends sending it (node:http's client costs about as much as the server,
 * which would make the clients the figure's bottleneck). Decodes the status line, chunked framing and
 * the `id:`/`data:` lines; calls `onEvent(id, data, at)` with the time the bytes were read.
 * Resolves when the response ends; rejects on a non-200 status, bad framing or a socket error.
 */
const openStream = (o, { onOpen, onEvent }) =>
  new Promise((resolve, reject) => {
    // Bytes as latin1 text: one character per byte, so chunk sizes (bytes) index the string directly.
    let raw = ""
    let headersDone = false
    let chunkLeft = -1
    let events = ""
    let settled = false
    const settle = error => {
      if (settled) return
      settled = true
      socket.destroy()
      if (error) reject(error)
      else resolve()
    }
    const dispatch = at => {
      let end
      while ((end = events.indexOf("\n\n")) >= 0) {
        const block = events.slice(0, end)
        events = events.slice(end + 2)
        let id = NaN
        let data = ""
        for (const line of block.split("\n")) {
          if (line.startsWith("data: ")) data = line.slice(6)
          else if (line.startsWith("id: ")) id = Number(line.slice(4))
        }
        if (data) onEvent(id, Buffer.from(data, "latin1").toString("utf8"), at)
      }
    }
    const receive = (text, at) => {
      raw += text
      if (!headersDone) {
        const end = raw.indexOf("\r\n\r\n")
        if (end < 0) return
        const head = raw.slice(0, end + 2)
        if (!head.startsWith("HTTP/1.1 200 ")) return settle(new Error(`SSE: ${head.slice(0, head.indexOf("\r\n"))}`))
        if (!/\r\ntransfer-encoding: *chunked\r\n/i.test(head)) return settle(new Error("SSE: response is not chunked"))
        headersDone = true
        onOpen()
        raw = raw.slice(end + 4)
      }
      for (;;) {
        if (chunkLeft < 0) {
          const eol = raw.indexOf("\r\n")
          if (eol < 0) break
          chunkLeft = Number.parseInt(raw.slice(0, eol), 16)
          if (!Number.isInteger(chunkLeft)) return settle(new Error(`SSE: bad chunk size ${JSON.stringify(raw.slice(0, eol))}`))
          raw = raw.slice(eol + 2)
          if (chunkLeft === 0) {
            dispatch(at)
            return settle()
          }
        }
        if (raw.length < chunkLeft + 2) break
        events += raw.slice(0, chunkLeft)
        raw = raw.slice(chunkLeft + 2)
        chunkLeft = -1
      }
      dispatch(at)
    }
    const socket = net.connect({
      host: o.host,
      port: o.port,
      noDelay: true,
      onread: { buffer: Buffer.allocUnsafe(16 * 1024), callback: (n, buffer) => receive(buffer.toString("latin1", 0, n), now()) }
    })
    socket.on("error", settle)
    socket.on("close", () => settle(new Error("SSE: connection closed before the response ended")))
    socket.write(getRequest({ ...o, headers: { accept: "text/event-stream", ...o.headers } }))
  })

/**
 * Opens `clients` event streams on `path` and, for every tool log line whose message is the wall-clock
 * time it was logged at (the bench's emit-clock tool), records how long after that each client parsed
 * it. Lines logged before every client was connected are not counted; the first `warmupMs` of lines
 * after that are reported apart (the first broadcasts to a new set of clients run cold code). Each
 * client also checks it sees every event exactly once and in order (ids 1, 2, 3, ...).
 *
 * @param {{ host: string, port: number, path: string, headers: Record<string, string>, clients: number, warmupMs: number }} o
 */
export const sseClients = async o => {
  const lines = [] // [loggedAt, latency]
  let ended = 0
  let connected = 0
  let allConnectedAt = Infinity
  let outOfOrder = 0
  const started = now()
  await Promise.all(
    Array.from({ length: o.clients }, () => {
      let lastId = 0
      return openStream(o, {
        onOpen: () => {
          if (++connected === o.clients) allConnectedAt = now()
        },
        onEvent: (id, data, at) => {
          if (id !== lastId + 1) outOfOrder++
          lastId = id
          const e = JSON.parse(data)
          if (e.type === "log" && e.source === "tool" && Number(e.message) > allConnectedAt) lines.push([Number(e.message), at - Number(e.message)])
          if (e.type === "end") ended++
        }
      })
    })
  )
  const firstLine = lines.reduce((min, [t]) => Math.min(min, t), Infinity)
  const warmupEnd = firstLine + o.warmupMs
  const measured = lines
    .filter(([t]) => t >= warmupEnd)
    .map(([, l]) => l)
    .sort((a, b) => a - b)
  const warmup = lines
    .filter(([t]) => t < warmupEnd)
    .map(([, l]) => l)
    .sort((a, b) => a - b)
  return {
    deliveries: measured.length,
    p50: pct(measured, 50),
    p99: pct(measured, 99),
    max: measured.at(-1) ?? NaN,
    warmupDeliveries: warmup.length,
    warmupP99: pct(warmup, 99),
    warmupMax: warmup.at(-1) ?? NaN,
    ended,
    outOfOrder,
    connectMs: allConnectedAt - started
  }
}
