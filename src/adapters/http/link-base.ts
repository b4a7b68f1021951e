import type { Socket } from "node:net"
import type { H3Event } from "h3"
import { hasAuth, isLoopbackHost, type ServerSettings } from "./server-settings.js"

const hostPort = (host: string, port: number) => `${host.includes(":") ? `[${host}]` : host}:${port}`

/** True when the request's Host names the very address and port its connection reached (or `localhost` on a loopback connection). */
const hostIsOwnAddress = (event: H3Event): boolean => {
  const socket = (event.runtime?.node?.req as { socket?: Socket } | undefined)?.socket
  const address = socket?.localAddress?.replace(/^::ffff:/, "")
  const port = socket?.localPort
  if (address === undefined || port === undefined) return false
  const host = event.req.headers.get("host")?.toLowerCase()
  return host === hostPort(address, port) || (isLoopbackHost(address) && host === `localhost:${port}`)
}

/**
 * The base of absolute links and signed URLs in responses: `CTS_PUBLIC_URL` when set; without auth, the
 * request's origin; with auth, the request's origin only when its Host is the address the client connected
 * to, otherwise `""` (links are relative) so a forged `Host` never puts another host into a signed URL.
 */
export const linkBase = (settings: ServerSettings, event: H3Event): string => {
  if (settings.publicUrl !== null) return settings.publicUrl
  if (!hasAuth(settings) || hostIsOwnAddress(event)) return event.url.origin
  return ""
}
