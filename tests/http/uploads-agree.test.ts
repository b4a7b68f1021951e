import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createCts, type CtsClient } from "../../src/adapters/sdk/create-cts.js"
import { rlogDir, startTestServer, testTools, type TestServer } from "./support/test-server.js"

// Uploads go through one core service (storeUpload): the HTTP route and the SDK must store the same
// bytes under the same name with the same content type and sha256, and refuse the same names.
let server: TestServer
let sdk: CtsClient

beforeAll(async () => {
  server = await startTestServer()
  // The SDK core gets the options the test server's core gets, so their capabilities must match.
  sdk = await createCts({ dataDir: path.join(server.dir, "sdk-data"), concurrency: 2, inputRoots: [rlogDir], extraToolModules: [testTools] })
})
afterAll(async () => {
  await sdk?.close()
  await server?.stop()
})

const viaHttp = async (bytes: Uint8Array, name: string, contentType: string) => {
  const res = await server.api(`/v1/uploads?name=${encodeURIComponent(name)}`, {
    method: "POST",
    body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
    headers: { "content-type": contentType }
  })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

describe("uploads: HTTP and SDK agree", () => {
  const cases = [
    { file: "rav4_seg40.rlog.zst", declared: "text/plain", expected: "application/zstd" },
    { file: "rav4_seg40.rlog.bz2", declared: "application/octet-stream", expected: "application/x-bzip2" },
    { file: "rav4_seg40.rlog", declared: "application/x-custom", expected: "application/x-custom" }
  ]
  for (const c of cases) {
    it(`stores ${c.file} with the same name, sniffed type and sha256 (declared ${c.declared})`, async () => {
      const bytes = readFileSync(path.join(rlogDir, c.file))
      const sha256 = createHash("sha256").update(bytes).digest("hex")
      const http = await viaHttp(bytes, c.file, c.declared)
      expect(http.status).toBe(201)
      const local = await sdk.upload(bytes, c.file, { contentType: c.declared })
      expect({ name: local.name, contentType: local.contentType, sha256: local.sha256, size: local.size }).toEqual({
        name: c.file,
        contentType: c.expected,
        sha256,
        size: bytes.length
      })
      expect({ name: http.body.name, contentType: http.body.content_type, sha256: http.body.sha256, size: http.body.size }).toEqual({
        name: c.file,
        contentType: c.expected,
        sha256,
        size: bytes.length
      })
      expect(local.key).toMatch(new RegExp(`^uploads/upl_[^/]+/${c.file.replace(/\./g, "\\.")}$`))
    })
  }

  it("refuses the same hostile names with the same code", async () => {
    for (const name of ["../x", "a/b", "..", ".hidden", "a\u0000b", "x%2fy"]) {
      const http = await viaHttp(new TextEncoder().encode("x"), name, "text/plain")
      expect(http.status, name).toBe(422)
      expect(http.body.error.code, name).toBe("invalid_upload_name")
      await expect(sdk.upload(new TextEncoder().encode("x"), name), name).rejects.toMatchObject({ code: "invalid_upload_name" })
    }
  })

  it("names a path upload after the file's base name", async () => {
    const meta = await sdk.upload(path.join(rlogDir, "rav4_seg40.rlog.zst"))
    expect(meta.name).toBe("rav4_seg40.rlog.zst")
    expect(meta.contentType).toBe("application/zstd")
  })
})

describe("capabilities: HTTP and SDK agree", () => {
  it("reports the same version, tools, limits and queue shape for the same options", async () => {
    const http = (await (await server.api("/v1/capabilities")).json()) as Record<string, any>
    const local = await sdk.capabilities()
    expect(http.version).toBe(local.version)
    expect(http.tools.map((t: { id: string }) => t.id)).toEqual(local.tools.map(t => t.id))
    expect(http.tools.map((t: { params_schema: unknown }) => t.params_schema)).toEqual(local.tools.map(t => t.paramsJsonSchema))
    expect(http.limits).toEqual({
      concurrency: local.limits.concurrency,
      default_timeout_ms: local.limits.defaultTimeoutMs,
      input_roots_restricted: true,
      retention_days: local.limits.retentionDays
    })
    expect(http.queue).toEqual({ queued: expect.any(Number), running: expect.any(Number) })
  })
})
