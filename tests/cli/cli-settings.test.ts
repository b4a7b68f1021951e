import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { resolveSettings } from "../../src/cli/settings.js"

describe("CLI settings through the one ConfigProvider", () => {
  let dir: string
  let file: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "cts-cli-settings-"))
    await mkdir(path.join(dir, "cts"))
    file = path.join(dir, "cts/config.toml")
  })
  afterAll(async () => rm(dir, { recursive: true, force: true }))
  const env = (vars: Record<string, string> = {}) => ({ XDG_CONFIG_HOME: dir, HOME: "/nonexistent", ...vars })
  const refusal = async (run: () => Promise<unknown>): Promise<{ code: string; message: string; details: unknown }> => {
    try {
      await run()
    } catch (e) {
      return e as { code: string; message: string; details: unknown }
    }
    throw new Error("expected the settings to be refused")
  }

  it("takes each setting from the file, the variable or the flag, in that order of strength", async () => {
    await writeFile(file, 'server = "http://file.example:1/"\ntoken = "file-token"\nout_dir = "file-out"\n')
    expect(await resolveSettings({}, env())).toMatchObject({ server: "http://file.example:1", token: "file-token", outDir: "file-out", configFile: file })
    expect(await resolveSettings({}, env({ CTS_URL: "https://env.example/api/", CTS_OUT_DIR: "env-out" }))).toMatchObject({
      server: "https://env.example/api",
      token: "file-token",
      outDir: "env-out"
    })
    expect(
      await resolveSettings({ server: "http://flag.example:3", token: "flag-token" }, env({ CTS_URL: "http://env.example", CTS_TOKEN: "t" }))
    ).toMatchObject({
      server: "http://flag.example:3",
      token: "flag-token"
    })
    expect((await resolveSettings({}, env({ CTS_URL: "" }))).server).toBeNull()
  })

  it("names a bad URL's source: flag, variable or file key; --embedded reads no server at all", async () => {
    await writeFile(file, 'server = "file.example:1"\n')
    expect(await refusal(() => resolveSettings({}, env()))).toMatchObject({
      code: "invalid_config",
      message: `${file}: server="file.example:1" is not an absolute http(s) URL`,
      details: { variable: `${file}: server`, setting: "CTS_URL" }
    })
    expect(await refusal(() => resolveSettings({}, env({ CTS_URL: "ftp://x" })))).toMatchObject({ message: 'CTS_URL="ftp://x" is not an absolute http(s) URL' })
    expect(await refusal(() => resolveSettings({ server: "nope" }, env()))).toMatchObject({ details: { variable: "--server", setting: "CTS_URL" } })
    expect((await resolveSettings({ embedded: true }, env({ CTS_URL: "ftp://x" }))).server).toBeNull()
    expect((await resolveSettings({ server: "http://ok.example" }, env())).server).toBe("http://ok.example")
  })

  it("refuses a value of the wrong TOML type and an unknown key, naming the file", async () => {
    await writeFile(file, "token = 12\n")
    expect(await refusal(() => resolveSettings({}, env()))).toMatchObject({ code: "invalid_config", message: `${file}: token must be a bearer token; got 12.` })
    await writeFile(file, 'sever = "http://x"\n')
    expect(await refusal(() => resolveSettings({}, env()))).toMatchObject({ code: "invalid_config", message: `Unknown setting "sever" in ${file}.` })
    await writeFile(file, "server = \n")
    expect((await refusal(() => resolveSettings({}, env()))).message).toContain(`Config file ${file} does not parse`)
  })
})
