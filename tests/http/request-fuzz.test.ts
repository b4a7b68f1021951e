import { Agent } from "node:http"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { apiRoutes } from "../../src/adapters/http/create-server-app.js"
import { sendRaw, type RawRequest, type RawResponse } from "./support/raw-request.js"
import { expectError, jsonInit, startTestServer, tokens, waitForRun, type TestServer } from "./support/test-server.js"

const FUZZ_REQUESTS = 10_000
/** The loop stops here even if it has not sent them all (a slow machine); it must still reach MIN_FUZZ_REQUESTS. */
const FUZZ_BUDGET_MS = 30_000
const MIN_FUZZ_REQUESTS = 1_000
const PARALLEL = 12
/** Deepest JSON the generator builds; deeper nesting is guarded by the body reader's own depth limit and its tests. */
const MAX_JSON_DEPTH = 100

let server: TestServer
const ids = { run: "", bobRun: "", artifact: "", upload: "", token: "" }

beforeAll(async () => {
  server = await startTestServer({ maxJsonBytes: 64 * 1024, maxUploadBytes: 64 * 1024, core: { concurrency: 1 } })
  const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 2 } }))).json()
  ids.run = run.id
  await waitForRun(server, run.id)
  ids.artifact = (await (await server.api(`/v1/runs/${run.id}/artifacts`)).json()).items[0].id
  ids.upload = (await (await server.api("/v1/uploads?name=seed.bin", { method: "POST", body: "seed" })).json()).id
  ids.token = new URL((await (await server.api(`/v1/artifacts/${ids.artifact}/url`, { method: "POST" })).json()).url).pathname.split("/").pop()!
  ids.bobRun = (await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 1 } }, "bob"))).json()).id
  await waitForRun(server, ids.bobRun, "bob")
}, 60_000)
afterAll(async () => server?.stop())

const post = (path: string, body: string, contentType: string | null = "application/json") =>
  server.api(path, { method: "POST", body, ...(contentType ? { headers: { "content-type": contentType } } : {}) })
const run = (body: unknown) => server.api("/v1/runs", jsonInit("POST", body))

describe("malformed requests get a 4xx in the one error shape", () => {
  it("malformed and huge JSON, wrong content types", async () => {
    for (const body of ["{", "nul", '{"tool_id":}', "\uFEFF{}", "{'tool_id':'x'}", '{"a":1}{"b":2}', "NaN", "[", '"\\u12"', "\u0000"]) {
      await expectError(await post("/v1/runs", body), 400, "malformed_json")
    }
    await expectError(await post("/v1/runs", Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString("latin1")), 400, "malformed_json")
    await expectError(await post("/v1/runs", JSON.stringify({ tool_id: "http-chatty", name: "n".repeat(200_000) })), 413, "payload_too_large")
    const chunked = await server.api("/v1/runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('{"tool_id":"http-chatty","name":"'))
          for (let i = 0; i < 40; i++) c.enqueue(new Uint8Array(4096).fill(0x61))
          c.close()
        }
      }),
      // @ts-expect-error Node's fetch needs this for stream bodies
      duplex: "half"
    })
    await expectError(chunked, 413, "payload_too_large")
    for (const type of [
      "text/plain",
      "multipart/form-data; boundary=x",
      "application/x-www-form-urlencoded",
      "application/jsonx",
      "application/xml",
      "json",
      "*/*"
    ]) {
      await expectError(await post("/v1/runs", '{"tool_id":"http-chatty"}', type), 415, "unsupported_media_type")
      await expectError(await post(`/v1/artifacts/${ids.artifact}/url`, "{}", type), 415, "unsupported_media_type")
    }
    for (const body of [
      "[]",
      "1",
      '"x"',
      "null",
      "true",
      '{"tool_id":1}',
      '{"tool_id":"http-chatty","params":[]}',
      '{"tool_id":"http-chatty","input":{"type":"ftp","value":"x"}}'
    ]) {
      await expectError(await post("/v1/runs", body), 422, "invalid_body")
    }
  })

  it("thousands of params in the query and in the body", async () => {
    const query = Array.from({ length: 3000 }, (_, i) => `a=${i % 10}`).join("&")
    expect((await server.api(`/v1/runs?${query}`)).status).toBe(200)
    const repeated = Array.from({ length: 1000 }, () => "limit=abc").join("&")
    await expectError(await server.api(`/v1/runs?${repeated}`), 400, "invalid_query")
    await expectError(await server.api(`/v1/runs/${ids.run}/logs?${Array.from({ length: 1500 }, () => "after=x").join("&")}`), 400, "invalid_query")
    const manyParams = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]))
    const unknown = await expectError(await run({ tool_id: "http-chatty", params: manyParams }), 422, "unknown_param")
    expect(unknown.message).toContain("and 4990 more")
    expect(unknown.details).toMatchObject({ unknown_count: 5000 })
    expect(JSON.stringify(unknown).length).toBeLessThan(2_000)
    const manyBad = await expectError(await run({ tool_id: "http-named", params: { names: Array.from({ length: 3000 }, (_, i) => i) } }), 422, "invalid_param")
    expect(JSON.stringify(manyBad).length).toBeLessThan(4_000)
    const manyIssues = await expectError(
      await run({ tool_id: "http-copy-input", input: Array.from({ length: 500 }, () => ({ type: "ftp", value: "" })) }),
      422,
      "invalid_body"
    )
    expect(JSON.stringify(manyIssues).length).toBeLessThan(4_000)
    await expectError(await run({ tool_id: "http-copy-input", input: Array.from({ length: 1001 }, () => ({ type: "path", value: "x" })) }), 422, "invalid_body")
  })

  it("NaN, negative, zero, tiny and huge timeouts and TTLs; bad numbers in the query and Last-Event-ID", async () => {
    for (const timeout of [-1, 0, -0.001, 1e-9, 1e308, 7 * 24 * 3600 + 1, "10", "NaN", null, true, [1]]) {
      const res = await run({ tool_id: "http-chatty", timeout_s: timeout })
      const error = await expectError(res, 422)
      expect(["invalid_body", "invalid_timeout"], String(timeout)).toContain(error.code)
    }
    await expectError(await post("/v1/runs", '{"tool_id":"http-chatty","timeout_s":NaN}'), 400, "malformed_json")
    await expectError(await post("/v1/runs", '{"tool_id":"http-chatty","timeout_s":1e999}'), 422, "invalid_body")
    for (const ttl of [-1, 0, 1.5, 1e20, "60", null]) {
      const res = await post(`/v1/artifacts/${ids.artifact}/url`, JSON.stringify({ ttl_s: ttl }))
      expect(res.status, String(ttl)).toBe(422)
      await expectError(res, 422)
    }
    for (const value of ["NaN", "-1", "1e3", "0x10", "1.5", "99999999999999999999", "%20", "%00"]) {
      await expectError(await server.api(`/v1/runs?limit=${value}`), 400, "invalid_query")
      await expectError(await server.api(`/v1/runs/${ids.run}/logs?after=${value}`), 400, "invalid_query")
      if (!value.includes("%")) {
        await expectError(await server.api(`/v1/runs/${ids.run}/logs/stream`, { headers: { "last-event-id": value } }), 400, "invalid_query")
      }
    }
    await expectError(await run({ tool_id: "http-spin", params: { ms: "NaN" } }), 422, "invalid_param")
  })
})

const methods = ["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"]
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map(c => String.fromCharCode(c)), maxLength: 60 })
const segment = fc.oneof(
  fc
    .constantFrom(
      () => ids.run,
      () => ids.bobRun,
      () => ids.artifact,
      () => ids.upload,
      () => ids.token
    )
    .map(f => f()),
  fc.constantFrom("..", "%2e%2e", "..%2F..%2Fetc%2Fpasswd", "%00", "%ZZ", "a%2Fb", "%E2%80%AE", "x".repeat(300), ""),
  printable.map(s => encodeURIComponent(s)),
  fc.string({ unit: "grapheme", maxLength: 20 }).map(s => encodeURIComponent(s))
)
const nested = (depth: number): string => "[".repeat(depth) + "]".repeat(depth)
const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map(v => JSON.stringify(v)),
  fc
    .record(
      {
        tool_id: fc.constantFrom("http-chatty", "http-named", "http-copy-input", "rm-rf", ""),
        params: fc.dictionary(
          fc.constantFrom("lines", "everyMs", "pad", "names", "x"),
          fc.oneof(fc.integer({ min: -5, max: 20 }), fc.double(), printable, fc.array(printable, { maxLength: 3 }))
        ),
        input: fc.oneof(
          fc.record({ type: fc.constantFrom("path", "upload", "url"), value: fc.oneof(printable, fc.constant("/etc/passwd")) }),
          fc.constant(undefined)
        ),
        timeout_s: fc.oneof(fc.double(), fc.integer(), fc.constant(undefined)),
        ttl_s: fc.oneof(fc.double(), fc.integer(), fc.constant(undefined))
      },
      { requiredKeys: [] }
    )
    .map(v => JSON.stringify(v)),
  fc.integer({ min: 1, max: MAX_JSON_DEPTH }).map(nested),
  printable,
  fc.uint8Array({ maxLength: 2048 }).map(b => Buffer.from(b).toString("latin1"))
)
const headerValue = (choices: ReadonlyArray<string>) => fc.oneof(fc.constantFrom(...choices), printable)
const headers = fc.record(
  {
    authorization: fc.oneof(
      { arbitrary: fc.constant(`Bearer ${tokens.alice}`), weight: 8 },
      { arbitrary: fc.constant(`Bearer ${tokens.bob}`), weight: 2 },
      { arbitrary: fc.constantFrom("Bearer ", "Basic x", "Bearer a.b.c"), weight: 1 },
      { arbitrary: printable, weight: 1 }
    ),
    "content-type": headerValue(["application/json", "text/plain", "application/octet-stream", "multipart/form-data", "application/json; charset=utf-16"]),
    range: headerValue(["bytes=0-0", "bytes=-1", "bytes=5-1", "bytes=0-99999999999", "bytes=a-b", "bytes=0-1,2-3"]),
    "if-none-match": headerValue(["*", '"x"', 'W/"x"']),
    "if-range": headerValue(['"x"', "Wed, 21 Oct 2015 07:28:00 GMT"]),
    "last-event-id": headerValue(["0", "-1", "NaN", "999999999999"]),
    "content-disposition": headerValue(['attachment; filename="../x"', "attachment; filename*=UTF-8''%00"]),
    origin: headerValue(["http://evil.example", "null"])
  },
  { requiredKeys: ["authorization"] }
)
const query = fc.array(
  fc.tuple(fc.constantFrom("limit", "cursor", "status", "tool", "after", "name", "x", ""), fc.oneof(printable, fc.integer().map(String))),
  { maxLength: 6 }
)

/** A random request over the real route table: method, path (params filled with real, foreign and hostile ids), query, headers, body. */
const requestArb = fc
  .record({
    route: fc.constantFrom(...apiRoutes()),
    segments: fc.array(segment, { minLength: 3, maxLength: 3 }),
    method: fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: fc.constantFrom(...methods), weight: 1 }),
    query,
    headers,
    body: fc.option(jsonBody, { nil: undefined })
  })
  .map(({ route, segments, method, query, headers, body }): RawRequest => {
    let i = 0
    const path = route.path.replace(/:(\w+)/g, () => segments[i++] || "x")
    const qs = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")
    const verb = method ?? route.method
    return { method: verb, path: qs ? `${path}?${qs}` : path, headers, ...(body !== undefined && verb !== "GET" && verb !== "HEAD" ? { body } : {}) }
  })

// Every body is sent with its Content-Length (see sendRaw): unframed bytes on a kept-alive socket are the
// next request, which the server refuses (tests/http/keep-alive-framing.test.ts). CTS_FUZZ_SEED=N replays a seed.
describe("fuzzing the real route table", () => {
  it(`${FUZZ_REQUESTS} random requests: no 5xx, every error in the one shape, and the server still serves`, async () => {
    const seed = Number(process.env.CTS_FUZZ_SEED ?? Date.now() % 2 ** 31)
    const cases = fc.sample(requestArb, { numRuns: FUZZ_REQUESTS, seed })
    const started = Date.now()
    const statuses = new Map<number, number>()
    const failures: string[] = []
    const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL })
    let next = 0
    const worker = async () => {
      while (next < cases.length && Date.now() - started < FUZZ_BUDGET_MS) {
        const req = cases[next++]!
        const res = await sendRaw(server.url, req, agent).catch((e: Error): RawResponse => ({ status: -1, headers: {}, body: e.message }))
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        const isJsonError = res.status >= 400 && req.method !== "HEAD" && String(res.headers["content-type"] ?? "").startsWith("application/json")
        let shapeOk = !isJsonError
        if (isJsonError) {
          try {
            shapeOk = Object.keys(JSON.parse(res.body).error).sort().join() === "category,code,details,message,suggested_actions"
          } catch {}
        }
        if (res.status < 0 || res.status >= 500 || !shapeOk)
          failures.push(
            `${res.status} ${req.method} ${req.path} ${JSON.stringify(req.headers)} ${String(req.body ?? "").slice(0, 200)} → ${res.body.slice(0, 300)}`
          )
      }
    }
    await Promise.all(Array.from({ length: PARALLEL }, worker))
    agent.destroy()
    const tried = [...statuses.values()].reduce((a, b) => a + b, 0)
    console.info(
      `[fuzz] seed ${seed}: ${tried} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`
    )
    expect(failures.slice(0, 10), `seed ${seed}`).toEqual([])
    expect(tried).toBeGreaterThanOrEqual(Math.min(FUZZ_REQUESTS, MIN_FUZZ_REQUESTS))

    expect((await server.api("/v1/health")).status).toBe(200)
    const after = await (await run({ tool_id: "http-chatty", params: { lines: 3 } })).json()
    const done = await waitForRun(server, after.id, "alice", 60_000)
    expect(done.status).toBe("completed")
    const [lines] = (await (await server.api(`/v1/runs/${after.id}/artifacts`)).json()).items
    expect(await (await server.api(`/v1/artifacts/${lines.id}/download`)).text()).toBe("line 1\nline 2\nline 3\n")
  }, 90_000)
})
