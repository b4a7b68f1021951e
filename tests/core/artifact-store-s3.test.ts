import { createHash, randomBytes } from "node:crypto"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import path from "node:path"
import { DeleteObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3"
import { Effect, Stream } from "effect"
import { startFauxqs, type FauxqsServer } from "fauxqs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createCts, type CtsClient } from "../../src/adapters/sdk/create-cts.js"
import { runOrThrow } from "../../src/adapters/sdk/effect-bridge.js"
import { ArtifactStore } from "../../src/core/artifacts/artifact-store.js"
import { createS3Client } from "../../src/core/artifacts/s3-location.js"
import { rlogPath } from "../support/shared-data.js"
import { artifactStoreContract } from "./artifact-store-contract.js"
import { demoRlog, readAll, repoRoot, tempDir, testToolsModule } from "./helpers.js"

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex")
const passTools = path.join(repoRoot, "tests/core/fixtures/input-pass-tools.mjs")
const BUCKET = "cts-test"
const PREFIX = "team/a"

let server: FauxqsServer
const t = {} as { cts: CtsClient; dir: string }
const s3 = () => ({ endpoint: `http://127.0.0.1:${server.port}`, region: "us-east-1", accessKeyId: "test", secretAccessKey: "test" })
const tmp = tempDir("s3-store")
beforeAll(async () => {
  server = await startFauxqs({ port: 0, host: "127.0.0.1", logger: false })
  server.createBucket(BUCKET)
  t.dir = tmp.dir
  t.cts = await createCts({
    dataDir: path.join(tmp.dir, "data"),
    concurrency: 2,
    extraToolModules: [testToolsModule, passTools],
    artifacts: `s3://${BUCKET}/${PREFIX}`,
    s3: s3()
  })
})
afterAll(async () => {
  await t.cts?.close()
  await server?.stop()
  tmp.cleanup()
})

const client = () => createS3Client(s3())
const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(f => f.isFile())
    .map(f => path.join(f.parentPath, f.name))
const objectsUnder = async (prefix: string) =>
  ((await client().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map(o => ({ key: o.Key, size: o.Size }))

artifactStoreContract(t, {
  name: "S3 (fauxqs)",
  local: false,
  removeBytes: async (_t, meta) => void (await client().send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${meta.key}` })))
})

describe("S3 ArtifactStore specifics", () => {
  it("streams a 40 MB body as a multipart upload under the prefix; sha256 and size recorded; a ranged read across a part boundary is exact", async () => {
    const bytes = randomBytes(40 * 1024 * 1024)
    const chunks = Array.from({ length: 40 }, (_, i) => bytes.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024))
    const meta = await runOrThrow(
      t.cts.runtime,
      Effect.flatMap(ArtifactStore, s =>
        s.put({ key: "uploads/big/blob.bin", name: "blob.bin", contentType: "application/octet-stream" }, Stream.fromIterable(chunks))
      )
    )
    expect([meta.size, meta.sha256]).toEqual([bytes.length, sha(bytes)])
    expect(await objectsUnder(`${PREFIX}/uploads/big/`)).toEqual([{ key: `${PREFIX}/uploads/big/blob.bin`, size: bytes.length }])
    const start = 8 * 1024 * 1024 - 10
    const part = await t.cts.download(meta.id, { range: { start, end: start + 99 } })
    expect(Buffer.compare(await readAll(part.body), bytes.subarray(start, start + 100))).toBe(0)
    expect(sha(await readAll((await t.cts.download(meta.id)).body))).toBe(sha(bytes))
  })

  it("leaves no object when the body fails part-way", async () => {
    const failing = Stream.concat(Stream.make(new Uint8Array(9 * 1024 * 1024)), Stream.fail(new Error("source broke") as never))
    const exit = await t.cts.runtime.runPromiseExit(
      Effect.flatMap(ArtifactStore, s => s.put({ key: "uploads/half/h.bin", name: "h.bin", contentType: "application/octet-stream" }, failing))
    )
    expect(exit._tag).toBe("Failure")
    expect(await objectsUnder(`${PREFIX}/uploads/half/`)).toEqual([])
  })

  it("presigns a GET URL that serves the bytes, valid for exactly the asked time from its signing date", async () => {
    const body = new TextEncoder().encode("presigned bytes\n")
    const meta = await runOrThrow(
      t.cts.runtime,
      Effect.flatMap(ArtifactStore, s => s.put({ key: "uploads/pre/p.txt", name: "p.txt", contentType: "text/plain" }, Stream.make(body)))
    )
    const before = Date.now()
    const signed = await runOrThrow(
      t.cts.runtime,
      Effect.flatMap(ArtifactStore, s => s.presignedUrl!(meta.id, 900))
    )
    const url = new URL(signed.url)
    expect(url.pathname).toBe(`/${BUCKET}/${PREFIX}/uploads/pre/p.txt`)
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900")
    const date = url.searchParams.get("X-Amz-Date")!
    const signedAt = Date.parse(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`)
    expect(Date.parse(signed.expiresAt)).toBe(signedAt + 900_000)
    expect(Math.abs(signedAt - before)).toBeLessThan(2000)
    const res = await fetch(signed.url)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe("presigned bytes\n")
    for (const ttl of [0, 7 * 24 * 3600 + 1]) {
      await expect(
        runOrThrow(
          t.cts.runtime,
          Effect.flatMap(ArtifactStore, s => s.presignedUrl!(meta.id, ttl))
        )
      ).rejects.toMatchObject({ code: "invalid_ttl" })
    }
  })

  it("a tool run reads an S3 artifact input as a stream from the bucket (no local copy) and its outputs land in the bucket", async () => {
    const upload = await t.cts.upload(demoRlog)
    const run = await t.cts.submit("test-chatty", { input: { type: "artifact", id: upload.id } })
    const done = await t.cts.wait(run.id)
    const expected = sha(readFileSync(demoRlog))
    expect(done.status).toBe("completed")
    expect(done.summary).toEqual({ copies: [expected], inputs: [expected] })
    const [copy] = await t.cts.artifacts(run.id)
    expect(copy).toMatchObject({ sha256: expected, key: `runs/${run.id}/copy-0.bin` })
    expect(await objectsUnder(`${PREFIX}/runs/${run.id}/`)).toEqual([{ key: `${PREFIX}/runs/${run.id}/copy-0.bin`, size: readFileSync(demoRlog).length }])
    expect(filesUnder(path.join(t.dir, "data")).filter(f => statSync(f).size === readFileSync(demoRlog).length)).toEqual([])
    expect(existsSync(path.join(t.dir, "data", "s3-cache"))).toBe(false)
  })

  it("a tool that reads an S3 input twice (a ranged GET for the second pass) sees the same bytes each time", async () => {
    const bytes = readFileSync(rlogPath("rav4_seg40.rlog.zst"))
    const upload = await t.cts.upload(bytes, "rav4.rlog.zst")
    const done = await t.cts.wait((await t.cts.submit("input-passes", { input: { type: "artifact", id: upload.id }, params: { passes: 2 } })).id)
    const pass = { bytes: bytes.length, sha256: sha(bytes) }
    expect(done).toMatchObject({ status: "completed", summary: { passes: [pass, pass] } })
  })

  it("an input object removed from the bucket before its run reads it fails the run with artifact_missing", async () => {
    const upload = await t.cts.upload(readFileSync(demoRlog), "vanishing.rlog.zst")
    const run = await t.cts.submit("test-chatty", { input: { type: "artifact", id: upload.id } })
    await client().send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${upload.key}` }))
    expect(await t.cts.wait(run.id)).toMatchObject({ status: "failed", error: { category: "system_error", code: "artifact_missing" } })
  })
})
