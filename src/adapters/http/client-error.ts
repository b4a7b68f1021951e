import type { Server } from "node:http"
import type { Duplex } from "node:stream"
import { ApiError } from "./api-error.js"

const answers: Record<string, { readonly status: number; readonly reason: string; readonly code: string; readonly message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: "Request Header Fields Too Large", code: "headers_too_large", message: "The request's headers are larger than the server accepts." },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: "Request Timeout", code: "request_timeout", message: "The request was not received in time." }
}
const malformed = { status: 400, reason: "Bad Request", code: "bad_request", message: "The request is not valid HTTP/1.1." }

/**
 * Answers requests Node's HTTP parser refuses before any route sees them (malformed request line,
 * headers too large, request timeout) with the API's one JSON error shape instead of an empty body, then closes the connection.
 */
export const answerClientErrors = (server: Server): void => {
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    const answer = answers[error.code ?? ""] ?? malformed
    if (error.code === "ECONNRESET" || !socket.writable || (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      socket.destroy()
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
