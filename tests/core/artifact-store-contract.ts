import { createHash } from "node:crypto"
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs"
import path from "node:path"
import { Effect, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { runOrThrow } from "../../src/adapters/sdk/effect-bridge.js"
import type { CtsClient } from "../../src/adapters/sdk/create-cts.js"
import { ArtifactStore, type ArtifactMeta, type PutArtifact } from "../../src/core/artifacts/artifact-store.js"
import { listTemporaryFiles } from "../../src/core/artifacts/local-artifact-store.js"
import { signToken } from "../../src/core/artifacts/signed-token.js"
import { SystemError, ValidationError } from "../../src/core/errors.js"
import { demoRlog, readAll } from "./helpers.js"
import { readZip } from "./zip-reader.js"

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex")

/** What differs between ArtifactStore backends under the shared contract. */
export interface ArtifactBackend {
  readonly name: string
  /** Files under `<dataDir>/artifacts` (symlink and temp-file checks apply). */
  readonly local: boolean
  /** Removes an artifact's bytes behind the store's back. */
  readonly removeBytes: (t: { readonly dir: string }, meta: ArtifactMeta) => Promise<void>
}

/** The ArtifactStore contract, run by every backend's test file against a client `t` (filled in by the caller's beforeAll). */
export const artifactStoreContract = (t: { readonly cts: CtsClient; readonly dir: string }, backend: ArtifactBackend) => {
  const put = (spec: PutArtifact, chunks: ReadonlyArray<Uint8Array>) =>
    runOrThrow(
      t.cts.runtime,
      Effect.flatMap(ArtifactStore, s => s.put(spec, Stream.fromIterable(chunks)))
    )
  const putExit = (spec: PutArtifact, body: Stream.Stream<Uint8Array, never>) =>
    t.cts.runtime.runPromiseExit(Effect.flatMap(ArtifactStore, s => s.put(spec, body)))
  const noTemporaryFiles = async () => {
    if (backend.local) expect(await listTemporaryFiles(path.join(t.dir, "data"))).toEqual([])
  }

  describe(`${backend.name} ArtifactStore`, () => {
    it("stores streamed bytes with their sha256 and size, readable whole and by range", async () => {
      const bytes = readFileSync(demoRlog)
      const chunks = [bytes.subarray(0, 1000), bytes.subarray(1000, 300_000), bytes.subarray(300_000)]
      const meta = await put({ key: "uploads/t1/demo.rlog.zst", name: "demo.rlog.zst", contentType: "application/zstd" }, chunks)
      expect(meta.size).toBe(bytes.length)
      expect(meta.sha256).toBe(sha(bytes))
      expect(meta.runId).toBeNull()
      const whole = await t.cts.download(meta.id)
      expect(sha(await readAll(whole.body))).toBe(sha(bytes))
      const part = await t.cts.download(meta.id, { range: { start: 100, end: 4195 } })
      expect(Buffer.compare(await readAll(part.body), bytes.subarray(100, 4196))).toBe(0)
      const last = await t.cts.download(meta.id, { range: { start: bytes.length - 1, end: bytes.length - 1 } })
      expect([...(await readAll(last.body))]).toEqual([bytes[bytes.length - 1]])
      await expect(t.cts.download(meta.id, { range: { start: 10, end: bytes.length } })).rejects.toMatchObject({ code: "invalid_range" })
      await expect(t.cts.download(meta.id, { range: { start: 5, end: 4 } })).rejects.toBeInstanceOf(ValidationError)
      expect(await t.cts.artifact(meta.id)).toEqual(meta)
    })

    it("refuses keys that escape the store, including through a symlink", async () => {
      for (const key of ["../x", "/etc/x", "a/%2e%2e/x", "a\\b", "a\0b"]) {
        const exit = await putExit({ key, name: "x", contentType: "text/plain" }, Stream.make(new Uint8Array([1])))
        expect(exit._tag).toBe("Failure")
        expect(JSON.stringify(exit)).toContain("invalid_key")
      }
      if (!backend.local) return
      const outside = path.join(t.dir, "outside")
      mkdirSync(outside)
      symlinkSync(outside, path.join(t.dir, "data", "artifacts", "escape"))
      const exit = await putExit({ key: "escape/evil.txt", name: "evil.txt", contentType: "text/plain" }, Stream.make(new Uint8Array([1])))
      expect(JSON.stringify(exit)).toContain("invalid_key")
      expect(readdirSync(outside)).toEqual([])
      await noTemporaryFiles()
    })

    it("rejects a second artifact with the same key and leaves no temp file when a body fails", async () => {
      await put({ key: "uploads/dup/a.txt", name: "a.txt", contentType: "text/plain" }, [new TextEncoder().encode("one")])
      await expect(put({ key: "uploads/dup/a.txt", name: "a.txt", contentType: "text/plain" }, [new Uint8Array([2])])).rejects.toMatchObject({
        code: "artifact_exists"
      })
      const failing = Stream.concat(Stream.make(new Uint8Array(10)), Stream.die(new Error("source broke")))
      const exit = await putExit({ key: "uploads/broken/b.txt", name: "b.txt", contentType: "text/plain" }, failing)
      expect(exit._tag).toBe("Failure")
      await noTemporaryFiles()
      expect((await t.cts.listArtifacts({ prefix: "uploads/broken/" })).items).toEqual([])
    })

    it("lists by prefix with cursor pagination and deletes", async () => {
      const made: Array<ArtifactMeta> = []
      for (let i = 0; i < 7; i++) made.push(await put({ key: `uploads/page/f${i}.txt`, name: `f${i}.txt`, contentType: "text/plain" }, [new Uint8Array([i])]))
      const seen: Array<string> = []
      let cursor: string | undefined
      let pages = 0
      do {
        const page = await t.cts.listArtifacts({ prefix: "uploads/page/", limit: 3, ...(cursor ? { cursor } : {}) })
        seen.push(...page.items.map(m => m.id))
        cursor = page.nextCursor ?? undefined
        pages++
      } while (cursor)
      expect(pages).toBe(3)
      expect(seen).toEqual(made.map(m => m.id))
      await t.cts.runtime.runPromise(Effect.flatMap(ArtifactStore, s => s.delete(made[0]!.id)))
      await expect(t.cts.artifact(made[0]!.id)).rejects.toMatchObject({ code: "artifact_not_found" })
      expect((await t.cts.listArtifacts({ prefix: "uploads/page/" })).items).toHaveLength(6)
    })

    it("signs expiring tokens and rejects forged or expired ones", async () => {
      const meta = await put({ key: "uploads/sig/s.txt", name: "s.txt", contentType: "text/plain" }, [new Uint8Array([7])])
      const { token, expiresAt } = await t.cts.signUrl(meta.id, 60)
      expect(await t.cts.verifyToken(token)).toBe(meta.id)
      expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(50_000)
      const [payload, mac] = token.split(".")
      const forgedPayload = Buffer.from(`${meta.id.slice(0, -1)}x.${Math.floor(Date.now() / 1000) + 60}`).toString("base64url")
      await expect(t.cts.verifyToken(`${forgedPayload}.${mac}`)).rejects.toMatchObject({ code: "invalid_token" })
      await expect(t.cts.verifyToken(`${payload}.${mac!.slice(0, -2)}AA`)).rejects.toMatchObject({ code: "invalid_token" })
      await expect(t.cts.verifyToken("garbage")).rejects.toMatchObject({ code: "invalid_token" })
      await expect(t.cts.verifyToken(signToken("another-key-another-key-another-key", meta.id, Date.now() + 60_000))).rejects.toMatchObject({
        code: "invalid_token"
      })
      const key = readFileSync(path.join(t.dir, "data", "signing-key"), "utf8").trim()
      await expect(t.cts.verifyToken(signToken(key, meta.id, Date.now() - 1000))).rejects.toMatchObject({ code: "token_expired" })
      await expect(t.cts.signUrl("art_missing", 60)).rejects.toMatchObject({ code: "artifact_not_found" })
    })

    it("reports a missing file as a SystemError", async () => {
      const meta = await put({ key: "uploads/gone/g.txt", name: "g.txt", contentType: "text/plain" }, [new Uint8Array([1, 2])])
      await backend.removeBytes(t, meta)
      const err = await t.cts.download(meta.id).catch(e => e)
      expect(err).toBeInstanceOf(SystemError)
      expect(err.code).toBe("artifact_missing")
    })
  })

  describe("bundle", () => {
    it("streams a run's artifacts as a valid ZIP", async () => {
      const run = await t.cts.submit("test-chatty", { input: [demoRlog, demoRlog] })
      const done = await t.cts.wait(run.id)
      expect(done.status).toBe("completed")
      const zip = readZip(await readAll(await t.cts.bundle(run.id)))
      const expected = readFileSync(demoRlog)
      expect([...zip.keys()].sort()).toEqual(["copy-0.bin", "copy-1.bin"])
      for (const data of zip.values()) expect(sha(data)).toBe(sha(expected))
      await expect(t.cts.bundle("run_nope")).rejects.toMatchObject({ code: "run_not_found" })
    })
  })
}
