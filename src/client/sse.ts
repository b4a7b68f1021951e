/** One server-sent event. */
export interface SseMessage {
  readonly id: string | null
  readonly event: string
  readonly data: string
}

/** Parses a `text/event-stream` body (WHATWG rules: `\n`, `\r\n` or `\r` line ends, comments skipped, an unterminated last event dropped). */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder()
  let buffer = ""
  let id: string | null = null
  let event = ""
  let data: Array<string> = []
  let sawData = false
  const takeLine = (line: string): SseMessage | null => {
    if (line === "") {
      const message = sawData ? { id, event: event || "message", data: data.join("\n") } : null
      event = ""
      data = []
      sawData = false
      return message
    }
    if (line.startsWith(":")) return null
    const colon = line.indexOf(":")
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? "" : line.slice(colon + 1)
    if (value.startsWith(" ")) value = value.slice(1)
    if (field === "data") {
      data.push(value)
      sawData = true
    } else if (field === "event") event = value
    else if (field === "id" && !value.includes("\0")) id = value
    return null
  }
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true })
    let match: RegExpExecArray | null
    const lineEnd = /\r\n|\n|\r/g
    let start = 0
    while ((match = lineEnd.exec(buffer)) !== null) {
      if (match[0] === "\r" && match.index === buffer.length - 1) break
      const message = takeLine(buffer.slice(start, match.index))
      start = match.index + match[0].length
      if (message) yield message
    }
    buffer = buffer.slice(start)
  }
  if (buffer.endsWith("\r")) {
    const message = takeLine(buffer.slice(0, -1))
    if (message) yield message
  }
  // An event without its closing blank line is discarded at end of stream, as the standard says.
}

/** The chunks of a web `ReadableStream` (not every browser makes it async-iterable). */
export async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}
