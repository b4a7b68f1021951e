import { existsSync } from "node:fs"
import { writeFile } from "node:fs/promises"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { json, runCts, startServe, useSandbox } from "./cli-harness.js"

const box = useSandbox()
/** The sandbox's environment with a data dir of its own, to see whether a refused start created it. */
const withDataDir = (name: string, vars: Record<string, string | undefined> = {}) => {
  const dataDir = path.join(box.dir, name)
  return { dataDir, env: { ...box.env, CTS_DATA_DIR: dataDir, ...vars } }
}

describe("bad settings stop a real process with invalid_config naming the source (exit 1, nothing started)", () => {
  it("cts serve: a bad CTS_PORT, --port or [server] key is named; no data dir is made and nothing listens", async () => {
    const fromEnv = withDataDir("data-env", { CTS_PORT: "http" })
    const env = await runCts(["serve"], { env: fromEnv.env })
    expect(env.code, env.stderr).toBe(1)
    expect(env.stderr).toContain('CTS_PORT="http" is not an integer from 0 to 65535')
    expect(env.stderr).toContain("[invalid_config]")
    expect(env.stdout).not.toMatch(/listening|http:\/\//)
    expect(existsSync(fromEnv.dataDir)).toBe(false)

    const fromFlag = withDataDir("data-flag")
    const flag = await runCts(["serve", "--port", "70000", "--json"], { env: fromFlag.env })
    expect(flag.code, flag.stderr).toBe(1)
    expect(json(flag).error).toMatchObject({ category: "validation_error", code: "invalid_config", details: { variable: "--port", setting: "CTS_PORT" } })
    expect(existsSync(fromFlag.dataDir)).toBe(false)

    const configFile = path.join(box.dir, "cts.toml")
    await writeFile(configFile, '[server]\nmax_upload_bytes = "big"\n')
    const fromFile = withDataDir("data-file", { CTS_CONFIG_FILE: configFile })
    const file = await runCts(["serve", "--port", "0"], { env: fromFile.env })
    expect(file.code, file.stderr).toBe(1)
    expect(file.stderr).toContain('[server].max_upload_bytes="big" is not a positive size')
    expect(existsSync(fromFile.dataDir)).toBe(false)
  })

  it("cts serve: a bad core setting from the [core] table or a flag is named before the data dir is touched", async () => {
    const configFile = path.join(box.dir, "core.toml")
    await writeFile(configFile, '[core]\nconcurrency = "two"\n')
    const fromFile = withDataDir("data-core", { CTS_CONFIG_FILE: configFile, CTS_CONCURRENCY: undefined })
    const file = await runCts(["serve", "--port", "0"], { env: fromFile.env })
    expect(file.code, file.stderr).toBe(1)
    expect(file.stderr).toContain('[core].concurrency="two" is not a positive integer')
    expect(existsSync(fromFile.dataDir)).toBe(false)

    const fromFlag = withDataDir("data-store")
    const store = await runCts(["serve", "--port", "0", "--store", "mysql://u:pw@db/x", "--json"], { env: fromFlag.env })
    expect(store.code, store.stderr).toBe(1)
    expect(json(store).error).toMatchObject({
      code: "invalid_config",
      message: '--store="mysql://u:***@db/x" is not sqlite or a postgres://user@host:port/database URL',
      details: { variable: "--store", setting: "CTS_STORE" }
    })
    expect(existsSync(fromFlag.dataDir)).toBe(false)
  })

  it("a flag wins over the variable: --port 0 serves although CTS_PORT is bad", async () => {
    const server = await startServe({ ...box.env, CTS_PORT: "http" })
    try {
      expect((await fetch(`${server.url}/v1/health`)).status).toBe(200)
    } finally {
      expect(await server.stop()).toBe(0)
    }
  })

  it("cts worker --concurrency and the CLI's CTS_URL go through the same settings", async () => {
    const worker = await runCts(["worker", "--queue", "redis://127.0.0.1:1", "--concurrency", "two"], { env: box.env })
    expect(worker.code, worker.stderr).toBe(1)
    expect(worker.stderr).toContain('--concurrency="two" is not a positive integer')
    const list = await runCts(["runs", "list", "--json"], { env: { ...box.env, CTS_URL: "ftp://cts.example" } })
    expect(list.code, list.stderr).toBe(1)
    expect(json(list).error).toMatchObject({
      code: "invalid_config",
      message: 'CTS_URL="ftp://cts.example" is not an absolute http(s) URL',
      details: { variable: "CTS_URL", setting: "CTS_URL" }
    })
  })
})
