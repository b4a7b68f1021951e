import { connect } from "node:net"

/** One HTTP/1.1 response as read off the wire. */
export interface WireResponse {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
}

/** What a connection received: the responses in order, and whether the server closed it. */
export interface WireExchange {
  readonly responses: ReadonlyArray<WireResponse>
  readonly closedByServer: boolean
  readonly raw: string
}

/** Splits `raw` into responses (Content-Length or chunked framing (`headOnly[i]`: the i-th answers a HEAD, so it has no body). */
export const parseResponses = (raw: string, headOnly: ReadonlyArray<boolean> = []): WireResponse[] => {
  const out: WireResponse[] = []
  let rest = raw
  while (rest.length > 0) {
    const end = rest.indexOf("\r\n\r\n")
    if (end < 0) throw new Error(`truncated response head: ${JSON.stringify(rest.slice(0, 200))}`)
    const [statusLine, ...lines] = rest.slice(0, end).split("\r\n")
    const headers = Object.fromEntries(lines.map(l => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]))
    const status = Number(statusLine!.split(" ")[1])
    rest = rest.slice(end + 4)
    let body = ""
    if (!headOnly[out.length] && status !== 304 && status !== 204 && /chunked/i.test(headers["transfer-encoding"] ?? "")) {
      for (;;) {
        const lineEnd = rest.indexOf("\r\n")
        const size = parseInt(rest.slice(0, lineEnd), 16)
        if (lineEnd < 0 || Number.isNaN(size)) throw new Error(`bad chunk: ${JSON.stringify(rest.slice(0, 80))}`)
        body += rest.slice(lineEnd + 2, lineEnd + 2 + size)
        rest = rest.slice(lineEnd + 2 + size + 2)
        if (size === 0) break
      }
    } else if (!headOnly[out.length]) {
      const length = Number(headers["content-length"] ?? 0)
      body = rest.slice(0, length)
      rest = rest.slice(length)
    }
    out.push({ status, headers, body })
  }
  return out
}

/**
 * Writes `chunks` to a fresh connection to `baseUrl` (waiting `gapMs` between them) and collects
 * everything the server sends until it closes the connection or stays silent for `idleMs`.
 */
export const exchange = (
  baseUrl: string,
  chunks: ReadonlyArray<string | Buffer>,
  opts: { readonly idleMs?: number; readonly gapMs?: number; readonly headOnly?: ReadonlyArray<boolean> } = {}
): Promise<WireExchange> =>
  new Promise((resolve, reject) => {
    const { port, hostname } = new URL(baseUrl)
    const socket = connect(Number(port), hostname)
    const received: Buffer[] = []
    let idle: NodeJS.Timeout | undefined
    const finish = (closedByServer: boolean) => {
      clearTimeout(idle)
      socket.destroy()
      const raw = Buffer.concat(received).toString("latin1")
      try {
        resolve({ responses: parseResponses(raw, opts.headOnly), closedByServer, raw })
      } catch (error) {
        reject(error)
      }
    }
    const arm = () => {
      clearTimeout(idle)
      idle = setTimeout(() => finish(false), opts.idleMs ?? 500)
    }
    socket.on("data", chunk => {
      received.push(chunk)
      arm()
    })
    socket.on("end", () => finish(true))
    socket.on("error", reject)
    socket.on("connect", async () => {
      for (const [i, chunk] of chunks.entries()) {
        if (i > 0 && opts.gapMs) await new Promise(r => setTimeout(r, opts.gapMs))
        socket.write(chunk)
      }
      arm()
    })
  })
