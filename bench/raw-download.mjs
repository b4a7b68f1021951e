// A download client that costs the measuring side as little as possible: one raw socket, one reused
// read buffer (no allocation per read), the body counted, not kept. node:http's client allocates a
// Buffer per read, and on this kind of machine its garbage collection, not the server, set the figure.
import net from "node:net"
import { getRequest } from "./get-request.mjs"

/**
 * `GET path` over HTTP/1.1 and reads the whole `content-length` body; resolves with the byte count.
 * Rejects on a status other than 200, a response without content-length, or a socket error.
 * @param {{ host: string, port: number, path: string, headers: Record<string, string> }} o
 */
export const rawDownload = o =>
  new Promise((resolve, reject) => {
    let head = ""
    let length = -1
    let received = 0
    const settle = error => {
      socket.destroy()
      if (error) reject(error)
      else resolve(received)
    }
    const socket = net.connect({
      host: o.host,
      port: o.port,
      onread: {
        buffer: Buffer.allocUnsafe(1 << 20),
        callback: (n, buffer) => {
          if (length >= 0) received += n
          else {
            head += buffer.toString("latin1", 0, n)
            const end = head.indexOf("\r\n\r\n")
            if (end < 0) return
            const size = /\r\ncontent-length: *(\d+)/i.exec(head.slice(0, end))?.[1]
            if (!head.startsWith("HTTP/1.1 200 ") || size === undefined) return settle(new Error(`download: ${head.slice(0, head.indexOf("\r\n"))}`))
            length = Number(size)
            received = head.length - end - 4
          }
          if (received >= length) settle()
        }
      }
    })
    socket.on("error", settle)
    socket.on("close", () => settle(new Error(`download: connection closed after ${received} of ${length} body bytes`)))
    socket.write(getRequest(o))
  })
