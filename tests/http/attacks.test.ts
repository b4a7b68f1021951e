import { createHash } from "node:crypto"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { request } from "node:http"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { listTemporaryFiles } from "../../src/core/artifacts/local-artifact-store.js"
import { expectError, jsonInit, rlogDir, startTestServer, tokens, waitForRun, type TestServer } from "./support/test-server.js"

let server: TestServer
let outsideRoot: string
let extraRoot: string
let cleanupScratch: (() => void) | undefined
const maxUpload = 256 * 1024
const rlogFile = path.join(rlogDir, "rav4_seg40.rlog.zst")

beforeAll(async () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "cts-http-roots-"))
  extraRoot = path.join(scratch, "inputs")
  outsideRoot = path.join(scratch, "secret")
  mkdirSync(extraRoot)
  mkdirSync(outsideRoot)
  writeFileSync(path.join(outsideRoot, "secret.rlog"), "top secret")
  symlinkSync(path.join(outsideRoot, "secret.rlog"), path.join(extraRoot, "link.rlog"))
  symlinkSync(outsideRoot, path.join(extraRoot, "dirlink"))
  server = await startTestServer({ maxUploadBytes: maxUpload, maxJsonBytes: 4096, core: { inputRoots: [rlogDir, extraRoot] } })
  cleanupScratch = () => rmSync(scratch, { recursive: true, force: true })
}, 60_000)
afterAll(async () => {
  await server?.stop()
  cleanupScratch?.()
})

/** A request with the path sent byte for byte (no URL normalisation by the client). */
const raw = (rawPath: string, method = "GET") =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const url = new URL(server.url)
    const req = request({ host: url.hostname, port: url.port, path: rawPath, method, headers: { authorization: `Bearer ${tokens.alice}` } }, res => {
      let body = ""
      res.on("data", c => (body += c))
      res.on("end", () => resolve({ status: res.statusCode!, body }))
    })
    req.on("error", reject)
    req.end()
  })

const submit = (body: unknown, who: "alice" | "bob" = "alice") => server.api("/v1/runs", jsonInit("POST", body, who))

describe("attacks are refused", () => {
  it("traversal in artifact and run ids never reaches a file", async () => {
    for (const p of [
      "/v1/artifacts/..%2F..%2Fetc%2Fpasswd",
      "/v1/artifacts/..%2F..%2Fetc%2Fpasswd/download",
      "/v1/artifacts/%2e%2e%2f%2e%2e%2fetc%2fpasswd/download",
      "/v1/artifacts/..%5C..%5Cetc%5Cpasswd/download",
      "/v1/artifacts/%00/download",
      "/v1/runs/..%2F..%2Fetc/artifacts",
      "/v1/artifacts/../../../../etc/passwd",
      "/v1/files/..%2F..%2Fetc%2Fpasswd"
    ]) {
      const res = await raw(p)
      expect([400, 403, 404], p).toContain(res.status)
      expect(res.body).not.toContain("root:")
      const body = JSON.parse(res.body)
      expect(Object.keys(body.error).sort()).toEqual(["category", "code", "details", "message", "suggested_actions"])
    }
  })

  it("refuses malformed percent-encoding with 400 in the same error shape", async () => {
    const res = await raw("/v1/artifacts/%ZZ/download")
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body).error.code).toBe("bad_request")
  })

  it("refuses unsafe upload names and stores nothing", async () => {
    for (const name of ["../../etc/passwd", "..", "a/b.rlog", "a\\b.rlog", "%2e%2e%2fx", "x\u0000y", "/abs.rlog", ".hidden"]) {
      const res = await server.api(`/v1/uploads?name=${encodeURIComponent(name)}`, { method: "POST", body: "abc" })
      await expectError(res, 422, "invalid_upload_name")
    }
    await expectError(await server.api(`/v1/uploads`, { method: "POST", body: "abc" }), 422, "missing_upload_name")
    await expectError(
      await server.api(`/v1/uploads`, { method: "POST", body: "abc", headers: { "content-disposition": 'attachment; filename="../../x"' } }),
      422,
      "invalid_upload_name"
    )
  })

  it("refuses oversized uploads, declared or streamed, and keeps no partial file", async () => {
    const big = new Uint8Array(maxUpload + 1)
    const declared = await server.api(`/v1/uploads?name=big.bin`, { method: "POST", body: big })
    await expectError(declared, 413, "payload_too_large")
    const streamed = await server.api(`/v1/uploads?name=big.bin`, {
      method: "POST",
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 8; i++) c.enqueue(new Uint8Array(64 * 1024))
          c.close()
        }
      }),
      // @ts-expect-error Node's fetch needs this for stream bodies
      duplex: "half"
    })
    await expectError(streamed, 413, "payload_too_large")
    expect(await listTemporaryFiles(path.join(server.dir, "data"))).toEqual([])
    const ok = await server.api(`/v1/uploads?name=small.bin`, { method: "POST", body: new Uint8Array(maxUpload) })
    expect(ok.status).toBe(201)
  })

  it("refuses malformed, mistyped and oversized JSON bodies", async () => {
    await expectError(
      await server.api("/v1/runs", { method: "POST", headers: { "content-type": "application/json" }, body: '{"tool_id": "http-chatty",' }),
      400,
      "malformed_json"
    )
    await expectError(await server.api("/v1/runs", { method: "POST", headers: { "content-type": "application/json" }, body: "" }), 400, "malformed_json")
    await expectError(await server.api("/v1/runs", { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" }), 415, "unsupported_media_type")
    await expectError(await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", name: "x".repeat(5000) })), 413, "payload_too_large")
    await expectError(await server.api("/v1/runs", jsonInit("POST", [1, 2])), 422, "invalid_body")
    const extra = await expectError(await submit({ tool_id: "http-chatty", tool: "x" }), 422, "invalid_body")
    expect(JSON.stringify(extra.details)).toContain("tool")
  })

  it("refuses unknown tools and unknown or ill-typed params before anything runs", async () => {
    const unknownTool = await expectError(await submit({ tool_id: "rm-rf" }), 422, "unknown_tool")
    expect(unknownTool.message).toContain("http-chatty")
    const unknownParam = await expectError(await submit({ tool_id: "http-chatty", params: { line: 3 } }), 422, "unknown_param")
    expect(unknownParam.message).toContain('"line"')
    expect(unknownParam.message).toContain("lines")
    const badType = await expectError(await submit({ tool_id: "http-chatty", params: { lines: "many" } }), 422, "invalid_param")
    expect(badType.message).toContain("lines")
    await expectError(await submit({ tool_id: "http-chatty", params: { lines: -5 } }), 422, "invalid_param")
    const runs = await (await server.api("/v1/runs?tool=rm-rf")).json()
    expect(runs.items).toEqual([])
  })

  it("accepts path inputs only under the input roots, never URLs", async () => {
    const ok = await (await submit({ tool_id: "http-copy-input", input: { type: "path", value: rlogFile } })).json()
    const done = await waitForRun(server, ok.id)
    expect((done.summary as { sha256: string }).sha256).toBe(createHash("sha256").update(readFileSync(rlogFile)).digest("hex"))
    const relative = await (await submit({ tool_id: "http-copy-input", input: { type: "path", value: "rav4_seg40.rlog.zst" } })).json()
    expect((await waitForRun(server, relative.id)).status).toBe("completed")
    for (const value of [
      "/etc/passwd",
      `${rlogDir}/../../../../etc/passwd`,
      "../../../etc/passwd",
      path.join(outsideRoot, "secret.rlog"),
      path.join(extraRoot, "link.rlog"),
      "link.rlog",
      "dirlink/secret.rlog"
    ]) {
      await expectError(await submit({ tool_id: "http-copy-input", input: { type: "path", value } }), 403, "path_not_allowed")
    }
    for (const value of ["file:///etc/passwd", "http://169.254.169.254/latest/meta-data", "s3://bucket/key"]) {
      await expectError(await submit({ tool_id: "http-copy-input", input: { type: "path", value } }), 422, "input_url_not_allowed")
    }
    await expectError(await submit({ tool_id: "http-copy-input", input: { type: "path", value: "missing.rlog" } }), 422, "input_not_found")
  })

  it("refuses another principal's upload or a run artifact as an upload input", async () => {
    const up = await (await server.api(`/v1/uploads?name=mine.bin`, { method: "POST", body: "alice's bytes" })).json()
    await expectError(await submit({ tool_id: "http-copy-input", input: { type: "upload", value: up.id } }, "bob"), 404, "upload_not_found")
    await expectError(await server.api(`/v1/artifacts/${up.id}`, { who: "bob" }), 404, "artifact_not_found")
    const run = await (await submit({ tool_id: "http-chatty", params: { lines: 1 } })).json()
    await waitForRun(server, run.id)
    const artifactId = (await (await server.api(`/v1/runs/${run.id}/artifacts`)).json()).items[0].id
    await expectError(await submit({ tool_id: "http-copy-input", input: { type: "upload", value: artifactId } }), 404, "upload_not_found")
    await expectError(await submit({ tool_id: "http-copy-input", input: { type: "upload", value: "../../etc/passwd" } }), 404, "upload_not_found")
  })

  it("answers unknown routes and bad query values in the same error shape", async () => {
    await expectError(await server.api("/v1/nope"), 404, "route_not_found")
    await expectError(await server.api("/v2/runs"), 404, "route_not_found")
    await expectError(await server.api("/v1/runs?status=exploded"), 400, "invalid_query")
    await expectError(await server.api("/v1/runs?limit=100000"), 400, "invalid_query")
  })
})
