import { createHash } from "node:crypto"
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import path from "node:path"
import { Effect, Layer, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createCts, type CtsClient } from "../../src/adapters/sdk/create-cts.js"
import { runOrThrow } from "../../src/adapters/sdk/effect-bridge.js"
import { ArtifactStore, type ByteRange } from "../../src/core/artifacts/artifact-store.js"
import { layerMemory, type MemoryArtifactBytes } from "../../src/core/artifacts/memory-artifact-store.js"
import { SystemError } from "../../src/core/errors.js"
import { ToolRunner } from "../../src/core/executor/tool-runner.js"
import { layerMemory as layerMemoryRunStore } from "../../src/core/store/memory-run-store.js"
import type { ToolDefinition } from "../../src/core/tools/define-tool.js"
import { oracleRows } from "../support/oracle.js"
import { rlogPath } from "../support/shared-data.js"
import { artifactStoreContract } from "./artifact-store-contract.js"
import { readAll, repoRoot, tempDir, testToolsModule, until } from "./helpers.js"

const passTools = path.join(repoRoot, "tests/core/fixtures/input-pass-tools.mjs")
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex")
const rav4 = rlogPath("rav4_seg40.rlog.zst")
const rav4Bytes = readFileSync(rav4)
/** The raw RAV4 log (3.6 MB): several reads of 1 MiB per pass. */
const rawBytes = readFileSync(rlogPath("rav4_seg40.rlog"))

/** What the wrapped memory store saw and is told to do: the ranges of every `get`, and a read failure after some bytes. */
const probe = { gets: [] as Array<{ id: string; range: ByteRange | undefined }>, failAfter: null as number | null }
const storageError = () => new SystemError({ code: "artifact_storage_error", message: "Reading failed in the test's artifact store", suggestedAction: "Retry" })

/** The memory ArtifactStore, with every `get` recorded and, while `probe.failAfter` is set, bodies that fail after that many bytes. */
const probedMemoryStore = (bytes: MemoryArtifactBytes) =>
  Layer.effect(
    ArtifactStore,
    Effect.map(ArtifactStore, store => ({
      ...store,
      get: (id: string, range?: ByteRange) =>
        Effect.map(store.get(id, range), ({ meta, body }) => {
          probe.gets.push({ id, range })
          const limit = probe.failAfter
          if (limit === null) return { meta, body }
          let seen = 0
          const cut = body.pipe(Stream.mapEffect(chunk => ((seen += chunk.byteLength) > limit ? Effect.fail(storageError()) : Effect.succeed(chunk))))
          return { meta, body: cut }
        })
    }))
  ).pipe(Layer.provide(layerMemory({ bytes })))

const bytes: MemoryArtifactBytes = new Map()
const tmp = tempDir("artifact-inputs")
const t = {} as { cts: CtsClient; dir: string }
beforeAll(async () => {
  t.dir = tmp.dir
  // Default ToolRunner: every run below goes through real worker threads.
  t.cts = await createCts(
    { dataDir: path.join(tmp.dir, "data"), concurrency: 2, extraToolModules: [testToolsModule, passTools], env: {} },
    { artifactStore: probedMemoryStore(bytes) }
  )
})
afterAll(async () => {
  await t.cts?.close()
  tmp.cleanup()
})

/** Every file under the data dir, recursively. */
const filesUnder = (dir: string): Array<string> =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter(f => f.isFile())
        .map(f => path.join(f.parentPath, f.name))
    : []

artifactStoreContract(t, { name: "memory", local: false, removeBytes: async (_t, meta) => void bytes.delete(meta.key) })

describe("artifact inputs are read through the ArtifactStore port (memory store: no file at all)", () => {
  it("rlog-to-csv on an uploaded rlog in the memory store writes the reference decoder's frames, row for row", async () => {
    const upload = await t.cts.upload(rav4Bytes, "rav4_seg40.rlog.zst")
    const run = await t.cts.submit("rlog-to-csv", { input: { type: "artifact", id: upload.id }, params: { format: "cabana" } })
    const done = await t.cts.wait(run.id)
    expect(done.status, JSON.stringify(done.error)).toBe("completed")
    expect(done.inputs).toEqual([{ name: "rav4_seg40.rlog.zst", size: rav4Bytes.length, sha256: sha(rav4Bytes), ref: { type: "artifact", id: upload.id } }])
    const [csv] = await t.cts.artifacts(run.id)
    const lines = (await readAll((await t.cts.download(csv!.id)).body)).toString("utf8").split("\n")
    expect(lines.pop()).toBe("")
    expect(lines[0]).toBe("time,addr,bus,data")
    const oracle = oracleRows("rav4_seg40.frames.csv")
    const first = BigInt(oracle[0]!.split(",")[0]!)
    const toOracle = (line: string) => {
      const [time, addr, bus, data] = line.split(",")
      const [s, frac] = time!.split(".")
      return `${first + BigInt(s!) * 1_000_000_000n + BigInt(frac!)},${bus},${addr},${data!.replace(/^0x/, "")}`
    }
    const rows = lines.slice(1)
    expect(rows.length).toBe(oracle.length)
    expect(rows.findIndex((line, i) => toOracle(line) !== oracle[i])).toBe(-1)
    // the store holds the bytes in memory: nothing of the input (or of any artifact) is a file under the data dir
    const files = filesUnder(path.join(tmp.dir, "data"))
    expect(files.filter(f => f.includes(`${path.sep}artifacts`))).toEqual([])
    expect(files.filter(f => statSync(f).size === rav4Bytes.length)).toEqual([])
  }, 60_000)

  it("a tool that reads its input twice gets the same bytes each pass; each sequential pass is one store read, not one per chunk", async () => {
    const upload = await t.cts.upload(rawBytes, "twice.rlog")
    probe.gets.length = 0
    const run = await t.cts.submit("input-passes", { input: { type: "artifact", id: upload.id }, params: { passes: 2 } })
    const done = await t.cts.wait(run.id)
    expect(done.status, JSON.stringify(done.error)).toBe("completed")
    const pass = { bytes: rawBytes.length, sha256: sha(rawBytes) }
    expect(done.summary).toEqual({ passes: [pass, pass] })
    // the submit's kind check; the run's kind check, continued by its first pass; the second pass, whose
    // first MiB the worker kept from the first read: three store reads for 2 × 4 reads of 1 MiB
    const from = (start: number) => ({ id: upload.id, range: { start, end: rawBytes.length - 1 } })
    expect(probe.gets).toEqual([from(0), from(0), from(1024 * 1024)])
  }, 60_000)

  it("a store read that fails mid-run fails the run with the store's typed error, and the next run on the same input completes", async () => {
    const upload = await t.cts.upload(rawBytes, "breaks.rlog")
    probe.failAfter = 1536 * 1024
    try {
      const run = await t.cts.submit("input-passes", { input: { type: "artifact", id: upload.id }, params: { passes: 1 } })
      const done = await t.cts.wait(run.id)
      expect(done).toMatchObject({ status: "failed", error: { category: "system_error", code: "artifact_storage_error" } })
    } finally {
      probe.failAfter = null
    }
    const again = await t.cts.wait((await t.cts.submit("input-passes", { input: { type: "artifact", id: upload.id }, params: { passes: 1 } })).id)
    expect(again).toMatchObject({ status: "completed", summary: { passes: [{ bytes: rawBytes.length, sha256: sha(rawBytes) }] } })
  }, 60_000)

  it("an input artifact deleted while its run reads it fails the run with input_changed (no hang)", async () => {
    const upload = await t.cts.upload(rawBytes, "deleted.rlog")
    const waitFile = path.join(tmp.dir, "second-pass")
    const run = await t.cts.submit("input-passes", { input: { type: "artifact", id: upload.id }, params: { passes: 2, waitFile } })
    const lines: Array<string> = []
    const follow = (async () => {
      for await (const e of t.cts.logs(run.id, { follow: true })) if (e.type === "log") lines.push(e.message)
    })()
    await until(() => lines.includes("pass 1 done"))
    await runOrThrow(
      t.cts.runtime,
      Effect.flatMap(ArtifactStore, s => s.delete(upload.id))
    )
    writeFileSync(waitFile, "")
    const done = await t.cts.wait(run.id)
    await follow
    expect(done).toMatchObject({ status: "failed", error: { category: "validation_error", code: "input_changed" } })
    expect(done.error!.message).toContain(upload.id)
  }, 60_000)
})

describe("the in-process ToolRunner reads artifact inputs through the same port", () => {
  it("runs input-passes on a memory-store upload on the calling thread, with the same bytes in each pass", async () => {
    const tools = Object.values((await import(passTools)) as Record<string, ToolDefinition>)
    const dir = tempDir("artifact-inputs-in-process")
    const cts = await createCts(
      { dataDir: path.join(dir.dir, "data"), concurrency: 1, extraToolModules: [passTools], env: {} },
      { runStore: layerMemoryRunStore(), artifactStore: layerMemory(), toolRunner: ToolRunner.layerInProcess(tools) }
    )
    try {
      const upload = await cts.upload(rawBytes, "in-process.rlog")
      const done = await cts.wait((await cts.submit("input-passes", { input: { type: "artifact", id: upload.id }, params: { passes: 2 } })).id)
      const pass = { bytes: rawBytes.length, sha256: sha(rawBytes) }
      expect(done).toMatchObject({ status: "completed", summary: { passes: [pass, pass] } })
      expect(filesUnder(path.join(dir.dir, "data")).filter(f => statSync(f).size === rawBytes.length)).toEqual([])
    } finally {
      await cts.close()
      dir.cleanup()
    }
  }, 60_000)
})
