/** One parsed server-sent event, or a comment line. */
export type SseFrame =
  | { readonly kind: "event"; readonly id: string | null; readonly event: string; readonly data: string }
  | { readonly kind: "retry"; readonly ms: number }
  | { readonly kind: "comment"; readonly text: string }

/** Parses a text/event-stream body into frames (events, retry fields, comments), per the WHATWG rules we rely on. */
export async function* parseSseFrames(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder()
  let buffer = ""
  let id: string | null = null
  let event = ""
  let data: string[] = []
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true })
    let nl: number
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, "")
      buffer = buffer.slice(nl + 1)
      if (line === "") {
        if (data.length) yield { kind: "event", id, event: event || "message", data: data.join("\n") }
        id = null
        event = ""
        data = []
        continue
      }
      if (line.startsWith(":")) {
        yield { kind: "comment", text: line.slice(1).trim() }
        continue
      }
      const colon = line.indexOf(":")
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "")
      if (field === "id") id = value
      else if (field === "event") event = value
      else if (field === "data") data.push(value)
      else if (field === "retry") yield { kind: "retry", ms: Number(value) }
    }
  }
}
