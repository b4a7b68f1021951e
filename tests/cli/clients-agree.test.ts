import { createHash } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { CtsClient } from "../../src/client/cts-client.js"
import { createEmbeddedClient } from "../../src/client/embedded-client.js"
import { createRemoteClient } from "../../src/client/remote-client.js"
import type { RunRecord } from "../../src/core/executor/executor.js"
import { rlogDir, startTestServer, tokens, type TestServer } from "../http/support/test-server.js"

// The same tool run through the embedded client (in-process core) and the HTTP client (a real loopback
// server) must give identical records and byte-identical artifacts, whatever the params.
let server: TestServer
let embedded: CtsClient
let remote: CtsClient
let dataDir: string
const savedDataDir = process.env.CTS_DATA_DIR

beforeAll(async () => {
  server = await startTestServer()
  dataDir = mkdtempSync(path.join(tmpdir(), "cts-agree-"))
  process.env.CTS_DATA_DIR = dataDir
  embedded = await createEmbeddedClient()
  remote = createRemoteClient({ baseUrl: server.url, token: tokens.alice })
})
afterAll(async () => {
  await embedded?.close()
  await remote?.close()
  await server?.stop()
  if (savedDataDir === undefined) delete process.env.CTS_DATA_DIR
  else process.env.CTS_DATA_DIR = savedDataDir
  rmSync(dataDir, { recursive: true, force: true })
})

const finished = async (client: CtsClient, id: string): Promise<RunRecord> => {
  for await (const event of client.followEvents(id, 0, new AbortController().signal)) if (event.type === "end") break
  return client.getRun(id)
}

const sha256Of = async (body: AsyncIterable<Uint8Array>) => {
  const hash = createHash("sha256")
  for await (const chunk of body) hash.update(chunk)
  return hash.digest("hex")
}

/** What must not differ between the two clients (ids, times and owner do). */
const comparable = (r: RunRecord) => ({
  status: r.status,
  toolId: r.toolId,
  toolVersion: r.toolVersion,
  params: r.params,
  inputs: r.inputs.map(i => ({ name: i.name, size: i.size, sha256: i.sha256 })),
  error: r.error,
  summary: r.summary,
  artifactCount: r.artifactIds.length
})

const artifactsOf = async (client: CtsClient, runId: string) => {
  const list = await client.listArtifacts(runId)
  const out = []
  for (const a of [...list].sort((x, y) => x.name.localeCompare(y.name))) {
    const download = await client.downloadArtifact(a.id)
    out.push({ name: a.name, size: a.size, contentType: a.contentType, sha256: a.sha256, downloaded: await sha256Of(download.body) })
  }
  return out
}

const paramsArb = fc.record({
  file: fc.constantFrom("rav4_seg40.rlog", "rav4_seg40.rlog.zst", "rav4_seg40.rlog.bz2"),
  format: fc.constantFrom("old-tools", "cabana"),
  bus: fc.option(fc.subarray([0, 1, 128, 129], { minLength: 1 }), { nil: undefined }),
  addresses: fc.option(fc.subarray(["0x2E4", "0xAA", "0x25", "0x141", "0x260", "0x224", "0x7FF"], { minLength: 1 }), { nil: undefined }),
  window_start: fc.integer({ min: 0, max: 40 })
})

describe("embedded and HTTP clients agree", () => {
  it("return identical records and artifact sha256s for the same rlog-to-csv run", { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(paramsArb, async ({ file, ...p }) => {
        const params: Record<string, unknown> = { format: p.format, window_start: p.window_start }
        if (p.bus) params.bus = p.bus
        if (p.addresses) params.addresses = p.addresses
        const input = { type: "path" as const, paths: [path.join(rlogDir, file)] }
        const [a, b] = await Promise.all([embedded.submit({ toolId: "rlog-to-csv", params, input }), remote.submit({ toolId: "rlog-to-csv", params, input })])
        const [doneA, doneB] = await Promise.all([finished(embedded, a.id), finished(remote, b.id)])
        expect(doneA.status).toBe("completed")
        expect(comparable(doneB)).toEqual(comparable(doneA))
        const [artsA, artsB] = await Promise.all([artifactsOf(embedded, a.id), artifactsOf(remote, b.id)])
        expect(artsA.length).toBeGreaterThan(0)
        for (const art of artsA) expect(art.downloaded).toBe(art.sha256)
        expect(artsB).toEqual(artsA)
      }),
      { numRuns: 6, seed: Number(process.env.CTS_PROPERTY_SEED ?? Date.now() % 2 ** 31) }
    )
  })
})
