import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { closeSync, linkSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectError, jsonInit, repoRoot, rlogDir, startTestServer, testTools, waitForRun, type TestServer } from "./support/test-server.js"

const inputTools = path.join(repoRoot, "tests/http/fixtures/input-test-tools.mjs")
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")
const rav4 = path.join(rlogDir, "rav4_seg40.rlog.zst")

let server: TestServer
let scratch: string
let root: string
let outside: string

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "cts-input-files-"))
  root = path.join(scratch, "root")
  outside = path.join(scratch, "outside")
  mkdirSync(path.join(root, "drives"), { recursive: true })
  mkdirSync(outside)
  writeFileSync(path.join(outside, "secret.rlog"), "top secret outside the roots")
  writeFileSync(path.join(root, "drives", "a.rlog"), "bytes inside the root")
  symlinkSync(path.join(outside, "secret.rlog"), path.join(root, "link-out.rlog"))
  symlinkSync("/dev/zero", path.join(root, "zero.rlog"))
  symlinkSync("/proc/self/environ", path.join(root, "environ.rlog"))
  execFileSync("mkfifo", [path.join(root, "pipe.rlog")])
  server = await startTestServer({
    core: { concurrency: 1, inputRoots: [rlogDir, root], extraToolModules: [testTools, inputTools], maxInputsPerRun: 3, maxInputBytesPerRun: 10 * 1024 ** 4 }
  })
}, 60_000)
afterAll(async () => {
  await server?.stop()
  rmSync(scratch, { recursive: true, force: true })
})

const submit = (body: Record<string, unknown>) => server.api("/v1/runs", jsonInit("POST", body))
const pathInput = (value: string) => ({ type: "path", value })
type WireRun = {
  id: string
  status: string
  error: { code: string } | null
  inputs: Array<{ name: string; size: number; sha256: string | null }>
  summary: Record<string, unknown> | null
}

/** Holds the single run slot with a spinning run until `release` cancels it, so later submits stay queued. */
const holdQueue = async () => {
  const spin = (await (await submit({ tool_id: "http-spin", params: { ms: 60_000 } })).json()) as WireRun
  return { release: () => server.api(`/v1/runs/${spin.id}`, { method: "DELETE" }) }
}

describe("path inputs are refused before any read", () => {
  it.each([
    ["../outside/secret.rlog", 403, "path_not_allowed"],
    ["drives/../../outside/secret.rlog", 403, "path_not_allowed"],
    ["/etc/passwd", 403, "path_not_allowed"],
    ["link-out.rlog", 403, "path_not_allowed"],
    ["/dev/zero", 403, "path_not_allowed"],
    ["zero.rlog", 403, "path_not_allowed"],
    ["/proc/self/environ", 403, "path_not_allowed"],
    ["environ.rlog", 403, "path_not_allowed"],
    ["pipe.rlog", 422, "input_not_file"],
    ["drives", 422, "input_not_file"]
  ])("%s → %i %s", async (value, status, code) => {
    const error = await expectError(await submit({ tool_id: "http-copy-input", input: pathInput(value) }), status, code)
    expect(error.message).toContain(JSON.stringify(value))
    expect(error.message).not.toContain("top secret")
  })

  it("names what the path is when it is not a regular file", async () => {
    expect((await expectError(await submit({ tool_id: "http-copy-input", input: pathInput("pipe.rlog") }), 422)).message).toContain("a FIFO")
    expect((await expectError(await submit({ tool_id: "http-copy-input", input: pathInput("drives") }), 422)).message).toContain("a directory")
  })
})

describe("a path input replaced while its run is queued", () => {
  it("is refused (input_changed) when the file became a symlink to a file outside the roots; nothing of it is read or recorded", async () => {
    const file = path.join(root, "drives", "swap.rlog")
    writeFileSync(file, "the file that was checked")
    const hold = await holdQueue()
    const queued = (await (await submit({ tool_id: "http-copy-input", input: pathInput("drives/swap.rlog") })).json()) as WireRun
    expect(queued.status).toBe("queued")
    expect(queued.inputs[0]).toMatchObject({ name: "swap.rlog", size: 25, sha256: null })
    rmSync(file)
    symlinkSync(path.join(outside, "secret.rlog"), file)
    await hold.release()
    const done = (await waitForRun(server, queued.id)) as unknown as WireRun
    expect(done.status).toBe("failed")
    expect(done.error?.code).toBe("input_changed")
    expect(done.inputs[0]!.sha256).toBeNull()
    expect((await (await server.api(`/v1/runs/${queued.id}/artifacts`)).json()).items).toEqual([])
  })

  it("is refused (input_changed) when another regular file was renamed over it", async () => {
    const file = path.join(root, "drives", "renamed.rlog")
    writeFileSync(file, "first")
    const hold = await holdQueue()
    const queued = (await (await submit({ tool_id: "http-copy-input", input: pathInput("drives/renamed.rlog") })).json()) as WireRun
    writeFileSync(path.join(root, "drives", "other.tmp"), "other")
    renameSync(path.join(root, "drives", "other.tmp"), file)
    await hold.release()
    const done = (await waitForRun(server, queued.id)) as unknown as WireRun
    expect(done.error?.code).toBe("input_changed")
  })

  it("is refused (path_not_allowed) when a parent directory became a symlink out of the roots, even to the same inode", async () => {
    const dir = path.join(root, "moving")
    const away = path.join(outside, "moving")
    mkdirSync(dir)
    mkdirSync(away)
    writeFileSync(path.join(dir, "same.rlog"), "same inode, two names")
    linkSync(path.join(dir, "same.rlog"), path.join(away, "same.rlog"))
    const hold = await holdQueue()
    const queued = (await (await submit({ tool_id: "http-copy-input", input: pathInput("moving/same.rlog") })).json()) as WireRun
    rmSync(dir, { recursive: true })
    symlinkSync(away, dir)
    await hold.release()
    const done = (await waitForRun(server, queued.id)) as unknown as WireRun
    expect(done.error?.code).toBe("path_not_allowed")
    expect((await (await server.api(`/v1/runs/${queued.id}/artifacts`)).json()).items).toEqual([])
  })
})

describe("input sha256 is computed while the tool reads", () => {
  it("rlog-to-csv on the RAV4 fixture: null at submit, sha256sum of the file once read", async () => {
    const expected = sha(readFileSync(rav4))
    const submitted = (await (await submit({ tool_id: "rlog-to-csv", input: pathInput("rav4_seg40.rlog.zst") })).json()) as WireRun
    expect(submitted.inputs[0]!.sha256).toBeNull()
    const done = (await waitForRun(server, submitted.id, "alice", 120_000)) as unknown as WireRun
    expect(done.status).toBe("completed")
    expect(done.inputs[0]).toMatchObject({ name: "rav4_seg40.rlog.zst", size: readFileSync(rav4).length, sha256: expected })
  }, 150_000)

  it("a tool that reads its input twice, or only its head, still records the whole file's sha256", async () => {
    const bytes = readFileSync(rav4)
    for (const mode of ["twice", "head"]) {
      const run = (await (await submit({ tool_id: "input-read-modes", params: { mode }, input: pathInput("rav4_seg40.rlog.zst") })).json()) as WireRun
      const done = (await waitForRun(server, run.id)) as unknown as WireRun
      expect(done.status, mode).toBe("completed")
      expect(done.inputs[0]!.sha256, mode).toBe(sha(bytes))
      expect(done.summary!.reads, mode).toEqual(mode === "twice" ? [bytes.length, bytes.length] : [256 * 1024])
      expect(done.summary!.sha256Seen, mode).toBe(mode === "twice" ? sha(bytes) : null)
    }
  })

  it("a run that fails before reading an input to its end records null for it, and the hash of inputs it did read", async () => {
    const run = (await (
      await submit({ tool_id: "input-read-modes", params: { mode: "head-fail" }, input: [pathInput("drives/a.rlog"), pathInput("rav4_seg40.rlog.zst")] })
    ).json()) as WireRun
    const done = (await waitForRun(server, run.id)) as unknown as WireRun
    expect(done.status).toBe("failed")
    expect(done.inputs.map(i => i.sha256)).toEqual([sha(readFileSync(path.join(root, "drives", "a.rlog"))), null])
  })
})

describe("per-run input limits", () => {
  it("refuses more inputs than maxInputsPerRun, naming the limit", async () => {
    const error = await expectError(
      await submit({ tool_id: "rlog-to-csv", input: Array.from({ length: 4 }, () => pathInput("rav4_seg40.rlog.zst")) }),
      422,
      "input_count_exceeded"
    )
    expect(error.details).toEqual({ count: 4, limit: 3 })
  })

  it("refuses inputs larger in total than maxInputBytesPerRun, without reading them", async () => {
    const sparse = path.join(root, "sparse.rlog")
    const fd = openSync(sparse, "w")
    closeSync(fd)
    execFileSync("truncate", ["-s", "8T", sparse])
    const error = await expectError(
      await submit({ tool_id: "rlog-to-csv", input: [pathInput("sparse.rlog"), pathInput("sparse.rlog")] }),
      422,
      "input_bytes_exceeded"
    )
    expect(error.details).toEqual({ bytes: 16 * 1024 ** 4, limit: 10 * 1024 ** 4 })
  })

  it("answers a submit of an 8 TiB input without reading it (hashing it would take hours)", async () => {
    const run = (await (await submit({ tool_id: "http-spin", params: { ms: 60_000 }, input: pathInput("sparse.rlog") })).json()) as WireRun
    expect(run.inputs[0]).toMatchObject({ name: "sparse.rlog", size: 8 * 1024 ** 4, sha256: null })
    await server.api(`/v1/runs/${run.id}`, { method: "DELETE" })
    expect(((await waitForRun(server, run.id)) as unknown as WireRun).inputs[0]!.sha256).toBeNull()
  })
})
