import { connect } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectError, jsonInit, startTestServer, type TestServer } from "./support/test-server.js"

let server: TestServer

beforeAll(async () => {
  server = await startTestServer({ maxJsonBytes: 64 * 1024 })
}, 60_000)
afterAll(async () => {
  await server?.stop()
})

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth)
const post = (pathname: string, body: string) => server.api(pathname, { method: "POST", headers: { "content-type": "application/json" }, body })

/** Writes `bytes` on a fresh TCP connection and returns everything the server answers before closing. */
const rawExchange = (bytes: string) =>
  new Promise<string>((resolve, reject) => {
    const url = new URL(server.url)
    const socket = connect(Number(url.port), url.hostname)
    let answer = ""
    socket.on("data", c => (answer += c))
    socket.on("end", () => resolve(answer))
    socket.on("close", () => resolve(answer))
    socket.on("error", reject)
    socket.write(bytes)
  })

const parseRaw = (answer: string) => {
  const [head, body = ""] = answer.split("\r\n\r\n")
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head!)?.[1]), head: head!.toLowerCase(), body: JSON.parse(body) }
}

describe("deeply nested JSON", () => {
  it("answers 400 json_too_deep for 3,000 levels in input, name, params or ttl_s, and the server keeps serving", async () => {
    const deep = nested(3000)
    for (const body of [
      `{"tool_id":"http-chatty","input":${deep}}`,
      `{"tool_id":"http-chatty","name":${deep}}`,
      `{"tool_id":"http-chatty","params":{"lines":${deep}}}`
    ]) {
      const error = await expectError(await post("/v1/runs", body), 400, "json_too_deep")
      expect(error.details).toEqual({ max_depth: 64 })
    }
    const upload = await (await server.api("/v1/uploads?name=a.txt", { method: "POST", body: "x" })).json()
    await expectError(await post(`/v1/artifacts/${upload.id}/url`, `{"ttl_s":${deep}}`), 400, "json_too_deep")
    const withinLimit = await post("/v1/runs", `{"tool_id":"http-chatty","name":${nested(60)}}`)
    await expectError(withinLimit, 422, "invalid_body")
    const brackets = await post("/v1/runs", JSON.stringify({ tool_id: "http-chatty", params: { lines: 1 }, name: "[{".repeat(100) }))
    expect(brackets.status).toBe(202)
    expect((await server.api("/v1/health", { who: null })).status).toBe(200)
  })
})

describe("params", () => {
  it("refuses a __proto__ key with unknown_param instead of dropping it", async () => {
    const error = await expectError(await post("/v1/runs", '{"tool_id":"http-chatty","params":{"lines":1,"__proto__":{"x":1}}}'), 422, "unknown_param")
    expect(error.details).toMatchObject({ params: ["__proto__"] })
    await expectError(await post("/v1/runs", '{"tool_id":"http-chatty","params":{"__proto__":5}}'), 422, "unknown_param")
  })
})

describe("requests Node's HTTP parser refuses", () => {
  it("answers a malformed request line with 400 in the one error shape", async () => {
    const answer = parseRaw(await rawExchange("GARBAGE\r\n\r\n"))
    expect(answer.status).toBe(400)
    expect(answer.head).toContain("content-type: application/json")
    expect(answer.body.error).toMatchObject({ category: "validation_error", code: "bad_request" })
    expect(Object.keys(answer.body.error).sort()).toEqual(["category", "code", "details", "message", "suggested_actions"])
  })

  it("answers headers over the limit with 431 in the one error shape", async () => {
    const answer = parseRaw(await rawExchange(`GET /v1/health HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`))
    expect(answer.status).toBe(431)
    expect(answer.body.error).toMatchObject({ category: "validation_error", code: "headers_too_large" })
    expect((await server.api("/v1/health", { who: null })).status).toBe(200)
  })
})

describe("concurrent cancels", () => {
  const cancelAll = async (id: string) => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => server.api(`/v1/runs/${id}`, { method: "DELETE" }).then(r => r.json())))
    return {
      canceled: answers.filter(a => a.outcome === "canceled").length,
      alreadyFinished: answers.filter(a => a.outcome === "already_finished").length,
      statuses: new Set(answers.map(a => a.run.status))
    }
  }

  it("of a running run: exactly one says canceled, 49 already_finished, one consistent record", async () => {
    const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-spin", params: { ms: 60_000 } }))).json()
    for (let r = run; r.status !== "running"; r = await (await server.api(`/v1/runs/${run.id}`)).json()) await new Promise(w => setTimeout(w, 20))
    expect(await cancelAll(run.id)).toEqual({ canceled: 1, alreadyFinished: 49, statuses: new Set(["canceled"]) })
    const record = await (await server.api(`/v1/runs/${run.id}`)).json()
    expect(record.status).toBe("canceled")
    const logs = await (await server.api(`/v1/runs/${run.id}/logs`)).json()
    const ends = logs.items.filter((e: { type: string }) => e.type === "end")
    expect(ends).toHaveLength(1)
  })

  it("of a queued run: the same", async () => {
    const blockers = await Promise.all(
      [1, 2].map(() => server.api("/v1/runs", jsonInit("POST", { tool_id: "http-spin", params: { ms: 60_000 } })).then(r => r.json()))
    )
    const queued = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 1 } }))).json()
    expect(queued.status).toBe("queued")
    expect(await cancelAll(queued.id)).toEqual({ canceled: 1, alreadyFinished: 49, statuses: new Set(["canceled"]) })
    for (const b of blockers) await server.api(`/v1/runs/${b.id}`, { method: "DELETE" })
  })
})
