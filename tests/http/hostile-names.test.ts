import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { Effect, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { contentDisposition } from "../../src/adapters/http/routes/artifact-body.js"
import { zipStream } from "../../src/core/artifacts/zip-stream.js"
import { expectError, jsonInit, startTestServer, waitForRun, type TestServer } from "./support/test-server.js"
import { listTemporaryFiles } from "../../src/core/artifacts/local-artifact-store.js"

/** Names an attacker tries: traversal (plain and percent-encoded), NUL, CR/LF, quotes, separators, 1,000 characters. */
const hostile = [
  "../escape.txt",
  "../../../etc/passwd",
  "%2e%2e%2fescape.txt",
  "..%2fescape.txt",
  "..",
  ".",
  "/abs.txt",
  "a/b.txt",
  "a\\b.txt",
  "a\u0000b.txt",
  "a\r\nb.txt",
  "a\nSet-Cookie: x=1",
  'a"b.txt',
  "a'b.txt",
  "a;b.txt",
  ".hidden",
  "x".repeat(1000)
]
/** Odd but harmless names that must survive exactly, in keys, headers and ZIP entries. */
const harmless = ["report (1).csv", "a,b=c@d+e.txt", "spaced name.txt", "y".repeat(200)]

let server: TestServer
let scratch: string
beforeAll(async () => {
  server = await startTestServer()
  scratch = mkdtempSync(path.join(tmpdir(), "cts-names-"))
}, 60_000)
afterAll(async () => {
  await server?.stop()
  rmSync(scratch, { recursive: true, force: true })
})

/** Every file under `dir`, as absolute real paths. */
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap(e => (e.isDirectory() ? walk(path.join(dir, e.name)) : [realpathSync(path.join(dir, e.name))]))

/** Extracts `zip` with the system's unzip into a fresh directory and returns it (unzip must exist: CI installs it). */
const unzipInto = (zip: Buffer, label: string) => {
  const dir = mkdtempSync(path.join(scratch, `${label}-`))
  const file = path.join(scratch, `${label}.zip`)
  writeFileSync(file, zip)
  const inside = path.join(dir, "out")
  execFileSync("unzip", ["-o", "-q", file, "-d", inside])
  return { root: realpathSync(inside), listed: execFileSync("unzip", ["-Z1", file], { encoding: "utf8" }).split("\n").filter(Boolean) }
}

/** The `Content-Disposition` header must be one line, quote-safe, and name the file exactly. */
const checkDisposition = (header: string | null, name: string) => {
  expect(header).not.toBeNull()
  expect(header).not.toMatch(/[\u0000-\u001f\u007f]/)
  const m = /^attachment; filename="([^"\\]*)"; filename\*=UTF-8''([A-Za-z0-9%!#$&+.^_`|~-]*)$/.exec(header!)
  expect(m, header!).not.toBeNull()
  expect(decodeURIComponent(m![2]!)).toBe(name)
}

describe("hostile upload names", () => {
  it("refuses each hostile name (query, raw query, Content-Disposition) with 422 and stores nothing", async () => {
    const uploadsDir = path.join(server.dir, "data", "artifacts")
    const before = walk(uploadsDir).length
    let tried = 0
    for (const name of hostile) {
      await expectError(await server.api(`/v1/uploads?name=${encodeURIComponent(name)}`, { method: "POST", body: "x" }), 422, "invalid_upload_name")
      await expectError(
        await server.api(`/v1/uploads`, {
          method: "POST",
          body: "x",
          headers: { "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(name)}` }
        }),
        422,
        "invalid_upload_name"
      )
      tried += 2
    }
    for (const raw of ["%2e%2e%2fescape.txt", "..%252fescape.txt", "a%00b.txt", "a%0d%0ab.txt", "%ZZ", "a%22b.txt"]) {
      await expectError(await server.api(`/v1/uploads?name=${raw}`, { method: "POST", body: "x" }), 422, "invalid_upload_name")
      tried++
    }
    for (const header of ['attachment; filename="a\\"b.txt"', 'attachment; filename="../x"', "attachment; filename*=UTF-8''%ZZ"]) {
      await expectError(await server.api(`/v1/uploads`, { method: "POST", body: "x", headers: { "content-disposition": header } }), 422, "invalid_upload_name")
      tried++
    }
    expect(tried).toBeGreaterThanOrEqual(40)
    expect(walk(uploadsDir).length).toBe(before)
    expect(await listTemporaryFiles(path.join(server.dir, "data"))).toEqual([])
  })

  it("keeps odd but harmless names exactly, as safe keys inside the store, with a safe Content-Disposition", async () => {
    const store = realpathSync(path.join(server.dir, "data", "artifacts"))
    for (const name of harmless) {
      const res = await server.api(`/v1/uploads?name=${encodeURIComponent(name)}`, { method: "POST", body: `bytes of ${name}` })
      expect(res.status, name).toBe(201)
      const meta = await res.json()
      expect(meta.name).toBe(name)
      const download = await server.api(`/v1/artifacts/${meta.id}/download`)
      checkDisposition(download.headers.get("content-disposition"), name)
      expect(await download.text()).toBe(`bytes of ${name}`)
    }
    for (const file of walk(store)) expect(file.startsWith(store + path.sep)).toBe(true)
  })
})

describe("hostile artifact names", () => {
  it("a tool cannot write an artifact under a hostile name; the bundle extracts with unzip only inside its folder", async () => {
    const names = [...hostile, ...harmless]
    const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-named", params: { names } }))).json()
    const done = (await waitForRun(server, run.id)) as { status: string; summary: { refused: Record<string, string> } }
    expect(done.status).toBe("completed")
    expect(Object.keys(done.summary.refused).map(Number)).toEqual(hostile.map((_, i) => i))
    expect(new Set(Object.values(done.summary.refused))).toEqual(new Set(["invalid_artifact_name"]))
    const artifacts = (await (await server.api(`/v1/runs/${run.id}/artifacts`)).json()).items as Array<{ id: string; name: string }>
    expect(artifacts.map(a => a.name).sort()).toEqual([...harmless].sort())
    for (const a of artifacts)
      checkDisposition((await server.api(`/v1/artifacts/${a.id}/download`, { method: "GET" })).headers.get("content-disposition"), a.name)

    const bundle = await server.api(`/v1/runs/${run.id}/bundle`)
    checkDisposition(bundle.headers.get("content-disposition"), `${run.id}.zip`)
    const { root, listed } = unzipInto(Buffer.from(await bundle.arrayBuffer()), "bundle")
    expect(listed.sort()).toEqual([...harmless].sort())
    const files = walk(root)
    expect(files).toHaveLength(harmless.length)
    for (const file of files) {
      expect(file.startsWith(root + path.sep), file).toBe(true)
      const index = names.indexOf(path.basename(file))
      expect(readFileSync(file, "utf8")).toBe(`artifact ${index}\n`)
    }
  })

  it("the ZIP writer itself flattens names that would climb out, so a real unzip keeps every entry inside", async () => {
    const source = path.join(scratch, "payload.txt")
    writeFileSync(source, "payload\n")
    const size = statSync(source).size
    const evil = ["../../zip-slip.txt", "/etc/zip-slip.txt", "..\\..\\win-slip.txt", "dir/../../../up.txt", "ok.txt", "ok.txt"]
    const entries = evil.map(name => ({ name, file: source, size, mtime: new Date(0) }))
    const chunks = await Effect.runPromise(Stream.runCollect(zipStream(entries)))
    const { root, listed } = unzipInto(Buffer.concat([...chunks]), "slip")
    expect(listed).toHaveLength(evil.length)
    for (const entry of listed) expect(entry, entry).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._+=@,() -]*$/)
    const files = walk(root)
    expect(files).toHaveLength(evil.length)
    for (const file of files) {
      expect(file.startsWith(root + path.sep), file).toBe(true)
      expect(readFileSync(file, "utf8")).toBe("payload\n")
    }
    expect(readdirSync(scratch).filter(n => n.includes("slip.txt") || n === "up.txt")).toEqual([])
  })
})

describe("Content-Disposition", () => {
  it("stays one quote-safe line that names the file exactly, whatever the name", () => {
    for (const name of [...hostile, ...harmless, "Ünïcödé 日本.csv", "a\\b\"c'd"]) {
      const header = contentDisposition(name)
      checkDisposition(header, name)
      expect(() => new Headers({ "content-disposition": header })).not.toThrow()
    }
  })
})
