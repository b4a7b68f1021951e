import { type Agent, request } from "node:http"

/** A request sent as given: any method, path bytes as written, headers and body untouched by a fetch client. */
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

/** Sends `req` to `baseUrl` (over `agent`'s kept-alive connections, else a fresh one); rejects only on a socket error or after `timeoutMs`. */
export const sendRaw = (baseUrl: string, req: RawRequest, agent: Agent | false = false, timeoutMs = 10_000, maxBodyBytes = 64 * 1024): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const url = new URL(baseUrl)
    const r = request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers: req.headers, agent }, (res) => {
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
    r.on("error", (e) => {
      clearTimeout(timer)
      reject(e)
    })
    r.end(req.body)
  })
