import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { CtsClient } from "../../src/adapters/sdk/create-cts.js"
import { ValidationError } from "../../src/core/errors.js"
import { tempDir, testClient } from "./helpers.js"

const roots = tempDir("roots")
const allowed = path.join(roots.dir, "allowed")
const secret = path.join(roots.dir, "secret")
let cts: CtsClient
let close: () => Promise<void>

beforeAll(async () => {
  mkdirSync(path.join(allowed, "drives"), { recursive: true })
  mkdirSync(secret)
  writeFileSync(path.join(allowed, "drives", "a.rlog"), "rlog bytes")
  writeFileSync(path.join(secret, "key.pem"), "private")
  symlinkSync(path.join(secret, "key.pem"), path.join(allowed, "link-out.rlog"))
  symlinkSync(secret, path.join(allowed, "dir-out"))
  symlinkSync(path.join(allowed, "drives", "a.rlog"), path.join(allowed, "link-in.rlog"))
  ;({ cts, close } = await testClient({ inputRoots: [allowed] }))
})
afterAll(async () => {
  await close()
  roots.cleanup()
})

const codeOf = (input: string) =>
  cts.submit("test-chatty", { input }).then(
    () => "accepted",
    (e: ValidationError) => {
      expect(e).toBeInstanceOf(ValidationError)
      return e.code
    }
  )

describe("path inputs under input roots", () => {
  it("accepts files under a root (relative to it, absolute, or via an inner symlink) and hashes them as the run reads them", async () => {
    const run = await cts.submit("test-chatty", { input: "drives/a.rlog" })
    expect(run.inputs[0]).toMatchObject({ name: "a.rlog", size: 10, sha256: null })
    expect((await cts.wait(run.id)).inputs[0]).toMatchObject({ name: "a.rlog", size: 10, sha256: createHash("sha256").update("rlog bytes").digest("hex") })
    expect(await codeOf(path.join(allowed, "drives", "a.rlog"))).toBe("accepted")
    expect(await codeOf("link-in.rlog")).toBe("accepted")
  })

  it.each([
    ["../secret/key.pem", "path_not_allowed"],
    ["drives/../../secret/key.pem", "path_not_allowed"],
    [path.join(secret, "key.pem"), "path_not_allowed"],
    ["/etc/passwd", "path_not_allowed"],
    ["link-out.rlog", "path_not_allowed"],
    ["dir-out/key.pem", "path_not_allowed"],
    ["drives/missing.rlog", "input_not_found"],
    ["drives", "input_not_file"],
    ["a\0b", "invalid_input"]
  ])("%s → %s", async (input, code) => {
    expect(await codeOf(input)).toBe(code)
  })

  it("names the missing file in the error", async () => {
    const e = await cts.submit("test-chatty", { input: "drives/missing.rlog" }).catch(x => x)
    expect(e.message).toContain("drives/missing.rlog")
    expect(e.details).toEqual({ path: "drives/missing.rlog" })
  })

  it("rejects unknown artifact ids and malformed refs", async () => {
    await expect(cts.submit("test-chatty", { input: { type: "artifact", id: "art_nope" } })).rejects.toMatchObject({ code: "input_not_found" })
    await expect(cts.submit("test-chatty", { input: { type: "url", href: "x" } as never })).rejects.toMatchObject({ code: "invalid_input" })
  })
})

describe("path inputs without input roots (embedded use)", () => {
  it.each([
    ["/dev/zero", "a character device"],
    ["/proc/self/environ", "a kernel or device file"],
    ["/tmp", "a directory"]
  ])("%s → input_not_file (%s), before any read", async (input, what) => {
    const open = await testClient({ inputRoots: null })
    try {
      const e = await open.cts.submit("test-chatty", { input }).catch(x => x)
      expect(e).toBeInstanceOf(ValidationError)
      expect(e).toMatchObject({ code: "input_not_file" })
      expect(e.message).toContain(what)
    } finally {
      await open.close()
    }
  })

  it("refuses a FIFO without opening it (opening one would block)", async () => {
    const fifo = path.join(roots.dir, "pipe.rlog")
    execFileSync("mkfifo", [fifo])
    const open = await testClient({ inputRoots: null })
    try {
      await expect(open.cts.submit("test-chatty", { input: fifo })).rejects.toMatchObject({
        code: "input_not_file",
        message: expect.stringContaining("a FIFO")
      })
    } finally {
      await open.close()
    }
  })
})
