import { type Agent, request } from "node:http"

/** A request sent as given: any method, path bytes as written, headers and body untouched by a fetch client (a body only gets the `Content-Length` HTTP/1.1 needs). */
export interface RawRequest {
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string>
  readonly body?: Buffer | string
}

/** The status and (at most `maxBodyBytes` of) the body; an event stream is cut after its headers. */
export interface RawResponse {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
}

/**
 * The headers with `Content-Length` added for a body that has no framing header. Node's `http.request`
 * sends a DELETE or OPTIONS body without one, and an HTTP/1.1 request without `Content-Length` or
 * `Transfer-Encoding` has no body (RFC 9112 §6.3): on a kept-alive connection its bytes would be read
 * as the start of the next request.
 */
const framed = (req: RawRequest): Record<string, string> => {
  const names = Object.keys(req.headers).map(k => k.toLowerCase())
  if (req.body === undefined || names.includes("content-length") || names.includes("transfer-encoding")) return req.headers
  return { ...req.headers, "content-length": String(Buffer.byteLength(req.body)) }
}

/** Sends `req` to `baseUrl` (over `agent`'s kept-alive connections, else a fresh one); rejects only on a socket error or after `timeoutMs`. */
export const sendRaw = (baseUrl: string, req: RawRequest, agent: Agent | false = false, timeoutMs = 10_000, maxBodyBytes = 64 * 1024): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const url = new URL(baseUrl)
    const r = request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers: framed(req), agent }, res => {
      const done = (body: string) => {
        clearTimeout(timer)
        resolve({ status: res.statusCode!, headers: res.headers, body })
      }
      if (String(res.headers["content-type"] ?? "").startsWith("text/event-stream")) {
        res.destroy()
        return done("")
      }
      const chunks: Buffer[] = []
      let size = 0
      res.on("data", (c: Buffer) => {
        if (size < maxBodyBytes) chunks.push(c)
        size += c.byteLength
      })
      res.on("end", () => done(Buffer.concat(chunks).toString("utf8")))
      res.on("error", reject)
    })
    const timer = setTimeout(() => {
      r.destroy()
      reject(new Error(`no answer within ${timeoutMs} ms to ${req.method} ${req.path}`))
    }, timeoutMs)
    r.on("error", e => {
      clearTimeout(timer)
      reject(e)
    })
    r.end(req.body)
  })
