import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { expectError, jsonInit, rlogDir, startTestServer, waitForRun, type TestServer } from "./support/test-server.js"
import { listTemporaryFiles } from "../../src/core/artifacts/local-artifact-store.js"

/** Every path under `dir` with its permission bits. */
const modes = (dir: string): Array<{ path: string; dir: boolean; mode: number }> =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).map(e => {
    const full = path.join(e.parentPath, e.name)
    return { path: full, dir: e.isDirectory(), mode: statSync(full).mode & 0o777 }
  })

const healthFiles = (dir: string) => readdirSync(dir).filter(n => n.startsWith(".health-"))

describe("data dir permissions", () => {
  it("creates the data dir 0700 and every file 0600 under umask 022, and tightens an existing 0755 data dir", async () => {
    const previous = process.umask(0o022)
    const scratch = mkdtempSync(path.join(tmpdir(), "cts-perm-"))
    const dataDir = path.join(scratch, "data")
    let server: TestServer | undefined
    try {
      server = await startTestServer({ core: { dataDir } })
      const upload = await (await server.api("/v1/uploads?name=notes.txt", { method: "POST", body: "hello" })).json()
      expect(upload.id).toBeTruthy()
      const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 2 } }))).json()
      expect((await waitForRun(server, run.id)).status).toBe("completed")
      expect(statSync(dataDir).mode & 0o777).toBe(0o700)
      const entries = modes(dataDir)
      expect(entries.some(e => e.path.endsWith("cts.sqlite"))).toBe(true)
      expect(entries.some(e => e.path.endsWith("lines.txt"))).toBe(true)
      expect(entries.some(e => e.path.endsWith("notes.txt"))).toBe(true)
      for (const e of entries) expect({ path: e.path, mode: (e.mode & 0o077).toString(8) }).toEqual({ path: e.path, mode: "0" })
      await server.close()
      server = undefined

      chmodSync(dataDir, 0o755)
      chmodSync(path.join(dataDir, "cts.sqlite"), 0o644)
      server = await startTestServer({ core: { dataDir } })
      expect(statSync(dataDir).mode & 0o777).toBe(0o700)
      expect(statSync(path.join(dataDir, "cts.sqlite")).mode & 0o777).toBe(0o600)
    } finally {
      process.umask(previous)
      await server?.close()
      rmSync(scratch, { recursive: true, force: true })
    }
  }, 60_000)
})

describe("health", () => {
  const started: TestServer[] = []
  afterAll(async () => {
    for (const s of started) await s.stop()
  })

  it("reports storage degraded below the free-space threshold and leaves no probe file", async () => {
    const server = await startTestServer({ core: { minFreeBytes: Number.MAX_SAFE_INTEGER } })
    started.push(server)
    const res = await server.api("/v1/health", { who: null })
    expect(res.status).toBe(503)
    const body = await res.json()
    expect(body).toMatchObject({ status: "degraded", storage: { ok: false } })
    expect(body.storage.error).toMatch(/Free space .* below .*CTS_MIN_FREE_BYTES/)
    expect(healthFiles(path.join(server.dir, "data"))).toEqual([])

    const roomy = await startTestServer({ core: { minFreeBytes: 1024 } })
    started.push(roomy)
    expect((await roomy.api("/v1/health", { who: null })).status).toBe(200)
    expect(healthFiles(path.join(roomy.dir, "data"))).toEqual([])
  })
})

/** True when this process may mount a tmpfs (root in a namespace that allows it). */
const canMountTmpfs = (() => {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return false
  const probe = mkdtempSync(path.join(tmpdir(), "cts-tmpfs-probe-"))
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { stdio: "ignore" })
    execFileSync("umount", [probe], { stdio: "ignore" })
    return true
  } catch {
    return false
  } finally {
    rmSync(probe, { recursive: true, force: true })
  }
})()

describe.skipIf(!canMountTmpfs)("a full disk (3 MiB tmpfs as the data dir)", () => {
  it("fails the run with system_error/disk_full, keeps earlier runs and artifacts, and keeps serving; health says degraded and leaves no file", async () => {
    const mountPoint = mkdtempSync(path.join(tmpdir(), "cts-full-"))
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=3m,mode=0700", "tmpfs", mountPoint])
    const dataDir = path.join(mountPoint, "data")
    mkdirSync(dataDir)
    let server: TestServer | undefined
    try {
      server = await startTestServer({ core: { dataDir, minFreeBytes: 256 * 1024 } })
      const upload = await (await server.api("/v1/uploads?name=notes.txt", { method: "POST", body: "kept" })).json()
      const early = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 3 } }))).json()
      expect((await waitForRun(server, early.id)).status).toBe("completed")
      const earlyArtifact = (await (await server.api(`/v1/runs/${early.id}/artifacts`)).json()).items[0]

      const big = await (
        await server.api("/v1/runs", jsonInit("POST", { tool_id: "rlog-to-csv", input: { type: "path", value: path.join(rlogDir, "rav4_seg40.rlog.zst") } }))
      ).json()
      const failed = await waitForRun(server, big.id, "alice", 120_000)
      expect(failed.status).toBe("failed")
      expect(failed.error).toMatchObject({ category: "system_error", code: "disk_full" })

      const earlyAgain = await (await server.api(`/v1/runs/${early.id}`)).json()
      expect(earlyAgain.status).toBe("completed")
      const bytes = await (await server.api(`/v1/artifacts/${earlyArtifact.id}/download`)).text()
      expect(bytes).toBe("line 1\nline 2\nline 3\n")
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(earlyArtifact.sha256)
      expect(await (await server.api(`/v1/artifacts/${upload.id}/download`)).text()).toBe("kept")
      expect(await listTemporaryFiles(dataDir)).toEqual([])

      const filler = path.join(mountPoint, "filler")
      try {
        writeFileSync(filler, Buffer.alloc(8 * 1024 * 1024))
      } catch (e) {
        expect((e as NodeJS.ErrnoException).code).toBe("ENOSPC")
      }
      const health = await server.api("/v1/health", { who: null })
      expect(health.status).toBe(503)
      expect((await health.json()).storage.ok).toBe(false)
      expect(healthFiles(dataDir)).toEqual([])
      const upFull = await server.api("/v1/uploads?name=more.txt", { method: "POST", body: "x".repeat(64 * 1024) })
      expect(await expectError(upFull, 507, "disk_full")).toMatchObject({ category: "system_error" })
      rmSync(filler, { force: true })

      const after = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 1 } }))).json()
      expect((await waitForRun(server, after.id)).status).toBe("completed")
      expect((await server.api("/v1/health", { who: null })).status).toBe(200)
      expect(readFileSync(path.join(dataDir, "cts.sqlite")).length).toBeGreaterThan(0)
    } finally {
      await server?.close()
      execFileSync("umount", [mountPoint])
      rmSync(mountPoint, { recursive: true, force: true })
    }
  }, 180_000)
})
