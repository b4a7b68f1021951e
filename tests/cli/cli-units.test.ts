import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { artifactFileNames } from "../../src/cli/download-artifacts.js"
import { safeFileName } from "../../src/cli/files.js"
import { isSafeName } from "../../src/core/util/safe-file-name.js"
import { createProgressBar } from "../../src/cli/progress-bar.js"
import { resolveSettings } from "../../src/cli/settings.js"

describe("safeFileName", () => {
  it("never yields a path: no separators, no leading dot, never empty, '.' or '..'", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), name => {
        const safe = safeFileName(name, "artifact")
        expect(isSafeName(safe)).toBe(true)
        expect(path.basename(safe)).toBe(safe)
      })
    )
  })

  it("keeps ordinary artifact names and strips directories", () => {
    expect(safeFileName("candidates.csv")).toBe("candidates.csv")
    expect(safeFileName("../../etc/passwd")).toBe("passwd")
    expect(safeFileName("..\\..\\boot.ini")).toBe("boot.ini")
    expect(safeFileName(".bashrc")).toBe("bashrc")
    expect(safeFileName("a b/ü.txt")).toBe("_.txt")
    expect(safeFileName("..", "artifact")).toBe("artifact")
  })

  it("gives colliding artifacts distinct names", () => {
    const meta = (id: string, name: string) => ({ id, name, runId: "r", size: 0, sha256: "", contentType: "text/plain", createdAt: "", partial: false })
    const names = artifactFileNames([meta("1", "a/x.csv"), meta("2", "b/x.csv"), meta("3", "X.csv"), meta("4", "x")])
    expect([...names.values()]).toEqual(["x.csv", "x-2.csv", "X-3.csv", "x"])
  })
})

describe("progress bar", () => {
  const fakeTty = (columns: number) => {
    const writes: Array<string> = []
    return { writes, stream: { isTTY: true, columns, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream }
  }

  it("redraws one line in place on a terminal and clears it when stopped", () => {
    const { writes, stream } = fakeTty(80)
    const bar = createProgressBar("tool", stream)
    bar.update(0.5, "pass 2")
    bar.update(1, "done")
    bar.stop()
    expect(writes[0]).toBe(`\r\u001B[2Ktool [${"#".repeat(15)}${"-".repeat(15)}]  50% pass 2`)
    expect(writes[1]).toBe(`\r\u001B[2Ktool [${"#".repeat(30)}] 100% done`)
    expect(writes.at(-1)).toBe("\r\u001B[2K")
  })

  it("draws nothing off a terminal", () => {
    const writes: Array<string> = []
    const bar = createProgressBar("tool", { isTTY: false, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream)
    bar.update(0.3)
    bar.stop()
    expect(writes).toEqual([])
  })
})

describe("settings: flags win over env, env over the config file", () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "cts-settings-"))
    await mkdir(path.join(dir, "cts"), { recursive: true })
    await writeFile(path.join(dir, "cts/config.toml"), 'server = "http://file:1"\ntoken = "file-token"\nout_dir = "file-out"\n')
  })
  afterAll(async () => rm(dir, { recursive: true, force: true }))

  it("reads $XDG_CONFIG_HOME/cts/config.toml and layers env and flags over it", async () => {
    const env = { XDG_CONFIG_HOME: dir, HOME: "/nonexistent" }
    expect(await resolveSettings({}, env)).toMatchObject({
      server: "http://file:1",
      token: "file-token",
      outDir: "file-out",
      configFile: path.join(dir, "cts/config.toml")
    })
    expect(await resolveSettings({}, { ...env, CTS_URL: "http://env:2/", CTS_TOKEN: "env-token" })).toMatchObject({
      server: "http://env:2",
      token: "env-token"
    })
    expect(await resolveSettings({ server: "http://flag:3", token: "flag-token" }, { ...env, CTS_URL: "http://env:2" })).toMatchObject({
      server: "http://flag:3",
      token: "flag-token"
    })
    expect((await resolveSettings({ embedded: true }, env)).server).toBeNull()
    await expect(resolveSettings({ server: "ftp://x" }, env)).rejects.toMatchObject({
      code: "invalid_config",
      message: '--server="ftp://x" is not an absolute http(s) URL'
    })
  })

  it("falls back to ~/.config when XDG_CONFIG_HOME is unset", async () => {
    expect(await resolveSettings({}, { HOME: path.dirname(dir) + "/does-not-exist" })).toMatchObject({ server: null, token: null, configFile: null })
  })
})
