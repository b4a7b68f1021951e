import { Agent } from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sendRaw } from "./support/raw-request.js"
import { exchange } from "./support/raw-socket.js"
import { startTestServer, tokens, type TestServer } from "./support/test-server.js"

let server: TestServer
beforeAll(async () => {
  server = await startTestServer({ maxJsonBytes: 1024 })
})
afterAll(async () => server?.stop())

const request = (line: string, headers = "", body = "") => `${line} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${tokens.alice}\r\n${headers}\r\n${body}`
const errorCode = (body: string) => (JSON.parse(body) as { error: { code: string } }).error.code

describe("answers on a kept-alive connection stay in request order", () => {
  it("bytes after a request that does not frame its body: that request keeps its own answer, with Connection: close, then the connection ends", async () => {
    const ex = await exchange(server.url, [request("DELETE /v1/runs/x") + '{"unframed":true}'])
    expect(ex.responses).toHaveLength(1)
    expect(ex.responses[0]!.status).toBe(404)
    expect(errorCode(ex.responses[0]!.body)).toBe("run_not_found")
    expect(ex.responses[0]!.headers.connection).toBe("close")
    expect(ex.closedByServer).toBe(true)
  })

  it("unframed bytes that only turn bad with the next request: the earlier answer is whole and the bad one gets a 400 in the error shape", async () => {
    const ex = await exchange(server.url, [request("OPTIONS /v1/runs/x") + "P", request("GET /v1/health")], { gapMs: 300 })
    expect(ex.responses.map(r => r.status)).toEqual([404, 400])
    expect(errorCode(ex.responses[1]!.body)).toBe("bad_request")
    expect(ex.responses[1]!.headers.connection).toBe("close")
    expect(ex.closedByServer).toBe(true)
  })

  it("pipelined requests whose bodies the server refuses unread (415, 400) are each answered, and the connection keeps serving", async () => {
    const ex = await exchange(server.url, [
      request("POST /v1/runs", "content-type: text/plain\r\ncontent-length: 5\r\n", "hello") +
        request("POST /v1/runs", "content-type: application/json\r\ncontent-length: 5\r\n", "hello") +
        request("DELETE /v1/runs/x", "content-length: 7\r\n", '{"a":1}') +
        request("GET /v1/health")
    ])
    expect(ex.responses.map(r => r.status)).toEqual([415, 400, 404, 200])
    expect(ex.responses.slice(0, 3).map(r => errorCode(r.body))).toEqual(["unsupported_media_type", "malformed_json", "run_not_found"])
    expect(ex.closedByServer).toBe(false)
  })

  it("a body cut off at the size limit ends the connection after its 413", async () => {
    const body = "x".repeat(4096)
    const ex = await exchange(server.url, [
      request("POST /v1/runs", `content-type: application/json\r\ncontent-length: ${body.length}\r\n`, body) + request("GET /v1/health")
    ])
    expect(ex.responses.map(r => r.status)).toEqual([413])
    expect(ex.responses[0]!.headers.connection).toBe("close")
    expect(ex.closedByServer).toBe(true)
  })

  it("the fuzz client frames DELETE/OPTIONS bodies, so a HEAD after them on the same socket gets its own body-less answer", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      const first = await sendRaw(server.url, { method: "DELETE", path: "/v1/runs/x", headers: { authorization: `Bearer ${tokens.alice}` }, body: "P" }, agent)
      const second = await sendRaw(
        server.url,
        { method: "OPTIONS", path: "/v1/runs/x", headers: { authorization: `Bearer ${tokens.alice}` }, body: "{" },
        agent
      )
      const head = await sendRaw(server.url, { method: "HEAD", path: "/v1/runs/x", headers: { authorization: `Bearer ${tokens.alice}` } }, agent)
      expect([first.status, second.status, head.status]).toEqual([404, 404, 404])
      expect(errorCode(first.body)).toBe("run_not_found")
      expect(head.body).toBe("")
    } finally {
      agent.destroy()
    }
  })
})
