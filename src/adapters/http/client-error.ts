import type { Server, ServerResponse } from "node:http"
import type { Duplex } from "node:stream"
import { ApiError } from "./api-error.js"

const answers: Record<string, { readonly status: number; readonly reason: string; readonly code: string; readonly message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: "Request Header Fields Too Large",
    code: "headers_too_large",
    message: "The request's headers are larger than the server accepts."
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: "Request Timeout", code: "request_timeout", message: "The request was not received in time." }
}
const malformed = { status: 400, reason: "Bad Request", code: "bad_request", message: "The request is not valid HTTP/1.1." }

/**
 * Ends a connection whose next bytes did not parse while an earlier request on it is still being answered.
 * Answers go out in request order, so the 400 may not jump ahead of that response (it would be taken as
 * its answer, and the real one lost): the response goes out whole, with `Connection: close` when its head
 * is not written yet, and the connection ends after it.
 */
const closeAfter = (response: ServerResponse, socket: Duplex): void => {
  if (!response.headersSent) response.shouldKeepAlive = false
  const end = () => socket.end()
  response.once("finish", end)
  response.once("close", end)
}

/**
 * Answers requests Node's HTTP parser refuses before any route sees them (malformed request line,
 * headers too large, request timeout) with the API's one JSON error shape instead of an empty body, then closes the connection.
 * Bytes that follow a request without framing them (a body without `Content-Length`) are such a request.
 */
export const answerClientErrors = (server: Server): void => {
  const handled = new WeakSet<Duplex>()
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (handled.has(socket)) return
    handled.add(socket)
    const answer = answers[error.code ?? ""] ?? malformed
    const inFlight = (socket as { _httpMessage?: ServerResponse | null })._httpMessage
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy()
      return
    }
    if (inFlight) {
      closeAfter(inFlight, socket)
      return
    }
    const body = JSON.stringify(
      new ApiError(answer.status, answer.code, answer.message, { suggestedAction: "Send a well-formed HTTP/1.1 request with headers under 16 KiB." }).toBody()
    )
    socket.end(
      `HTTP/1.1 ${answer.status} ${answer.reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `x-content-type-options: nosniff\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${body}`
    )
  })
}
