// The bytes of an HTTP/1.1 GET, for the bench's raw-socket clients.

/**
 * `GET path` with a Host header and `headers`, ready to write to a socket.
 * @param {{ host: string, port: number, path: string, headers?: Record<string, string> }} o
 */
export const getRequest = o =>
  `GET ${o.path} HTTP/1.1\r\nhost: ${o.host}:${o.port}\r\n${Object.entries(o.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}\r\n`
