import { readFileSync } from "node:fs"
import path from "node:path"
import { Effect, Stream } from "effect"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { CtsClient } from "../../src/adapters/sdk/create-cts.js"
import { runOrThrow } from "../../src/adapters/sdk/effect-bridge.js"
import { ArtifactStore, type ArtifactMeta, type ByteRange } from "../../src/core/artifacts/artifact-store.js"
import { READ_CHUNK_BYTES } from "../../src/core/artifacts/file-read.js"
import { readAll, sharedData, testClient } from "./helpers.js"

/** 3.6 MB: several read pieces, so ranges cross piece boundaries. */
const bytes = readFileSync(path.join(sharedData, "rlog/rav4_seg40.rlog"))
let cts: CtsClient
let close: () => Promise<void>
let meta: ArtifactMeta
beforeAll(async () => {
  ;({ cts, close } = await testClient())
  meta = await runOrThrow(
    cts.runtime,
    Effect.flatMap(ArtifactStore, s =>
      s.put({ key: "uploads/open-read/rav4.rlog", name: "rav4.rlog", contentType: "application/octet-stream" }, Stream.make(bytes))
    )
  )
})
afterAll(() => close())

const openRead = (range?: ByteRange) =>
  runOrThrow(
    cts.runtime,
    Effect.flatMap(ArtifactStore, s => s.openRead!(meta.id, range))
  )
const viaGet = (range?: ByteRange) =>
  runOrThrow(
    cts.runtime,
    Effect.flatMap(ArtifactStore, s => Effect.flatMap(s.get(meta.id, range), ({ body }) => Stream.runCollect(body)))
  )

describe("ArtifactStore.openRead (local)", () => {
  it("serves the whole file exactly, as get does", async () => {
    expect(bytes.length).toBeGreaterThan(3 * READ_CHUNK_BYTES)
    const opened = await openRead()
    expect(opened.meta).toEqual(meta)
    expect(Buffer.compare(await readAll(opened.body), bytes)).toBe(0)
    expect(Buffer.compare(Buffer.concat([...(await viaGet())]), bytes)).toBe(0)
  })

  it("serves any inclusive range exactly, including ranges across read pieces", async () => {
    const edges = [0, READ_CHUNK_BYTES - 1, READ_CHUNK_BYTES, 2 * READ_CHUNK_BYTES + 1, bytes.length - 1]
    const position = fc.oneof(fc.constantFrom(...edges), fc.integer({ min: 0, max: bytes.length - 1 }))
    await fc.assert(
      fc.asyncProperty(position, position, async (a, b) => {
        const range = { start: Math.min(a, b), end: Math.max(a, b) }
        const want = bytes.subarray(range.start, range.end + 1)
        expect(Buffer.compare(await readAll((await openRead(range)).body), want)).toBe(0)
        expect(Buffer.compare(Buffer.concat([...(await viaGet(range))]), want)).toBe(0)
      }),
      { numRuns: 25 }
    )
  })

  it("refuses a range outside the file with invalid_range", async () => {
    for (const range of [
      { start: 0, end: bytes.length },
      { start: 10, end: 9 },
      { start: -1, end: 5 }
    ]) {
      await expect(openRead(range)).rejects.toMatchObject({ code: "invalid_range" })
    }
  })
})
