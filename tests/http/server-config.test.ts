import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { parseByteSize, parseRateLimit, resolveServerSettings } from "../../src/adapters/http/server-config.js"
import { readConfigFile } from "../../src/core/config-file.js"
import { presetDefaults } from "../../src/adapters/http/server-settings.js"

describe("server settings", () => {
  it("defaults to the dev preset on loopback with no CORS and no auth", () => {
    const s = resolveServerSettings({ env: {} })
    expect(s).toEqual(presetDefaults.dev)
    expect(s.host).toBe("127.0.0.1")
    expect(s.corsOrigins).toEqual([])
    expect(s.sseHeartbeatMs).toBe(15_000)
  })

  it("layers preset < file < env < overrides", () => {
    const s = resolveServerSettings({
      env: { CTS_PRESET: "production", CTS_PORT: "9000", CTS_CORS_ORIGINS: "https://a.example, https://b.example" },
      file: { port: 7000, host: "0.0.0.0", rate_limit: "10/s", max_upload_bytes: "5MiB" },
      overrides: { host: "127.0.0.2" }
    })
    expect(s.preset).toBe("production")
    expect(s.requireAuth).toBe(true)
    expect(s.port).toBe(9000)
    expect(s.host).toBe("127.0.0.2")
    expect(s.rateLimit).toEqual({ requests: 10, windowMs: 1000 })
    expect(s.maxUploadBytes).toBe(5 * 1024 * 1024)
    expect(s.corsOrigins).toEqual(["https://a.example", "https://b.example"])
  })

  it("parses tokens as principal=token pairs and refuses short tokens", () => {
    const s = resolveServerSettings({ env: { CTS_TOKENS: "alice=aaaaaaaaaaaaaaaa1,bob=bbbbbbbbbbbbbbbb2" } })
    expect(s.tokens).toEqual([
      { principal: "alice", token: "aaaaaaaaaaaaaaaa1" },
      { principal: "bob", token: "bbbbbbbbbbbbbbbb2" }
    ])
    expect(() => resolveServerSettings({ env: { CTS_TOKENS: "alice=short" } })).toThrow(/at least 16/)
  })

  it("names the bad variable in a typed error", () => {
    for (const [name, value] of [
      ["CTS_PORT", "80000"],
      ["CTS_PRESET", "prod"],
      ["CTS_RATE_LIMIT", "fast"],
      ["CTS_MAX_UPLOAD_BYTES", "-1"],
      ["CTS_REQUIRE_AUTH", "maybe"],
      ["CTS_PUBLIC_URL", "ftp://x"],
      ["CTS_JWT_SECRET", "too-short"]
    ] as const) {
      let error: unknown
      try {
        resolveServerSettings({ env: { [name]: value } })
      } catch (e) {
        error = e
      }
      expect(error, name).toMatchObject({ _tag: "ValidationError", code: "invalid_config" })
      expect((error as Error).message).toContain(name)
    }
  })

  it("refuses unknown keys in the [server] table", () => {
    expect(() => resolveServerSettings({ env: {}, file: { prot: 1 } })).toThrow(/Unknown setting "prot"/)
  })

  it("parses sizes and rate limits", () => {
    expect(parseByteSize("1048576", "x")).toBe(1048576)
    expect(parseByteSize("2GB", "x")).toBe(2e9)
    expect(parseByteSize("1.5KiB", "x")).toBe(1536)
    expect(() => parseByteSize("0", "x")).toThrow()
    expect(parseRateLimit("off", "x")).toBeNull()
    expect(parseRateLimit("120", "x")).toEqual({ requests: 120, windowMs: 60_000 })
    expect(parseRateLimit("100/10s", "x")).toEqual({ requests: 100, windowMs: 10_000 })
    expect(parseRateLimit("5000/h", "x")).toEqual({ requests: 5000, windowMs: 3_600_000 })
  })

  it("reads TOML and JSON config files", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cts-config-"))
    const toml = path.join(dir, "cts.toml")
    writeFileSync(toml, `[server]\nport = 1234\ncors_origins = ["https://x.example"]\n\n[core]\nconcurrency = 2\n`)
    const json = path.join(dir, "cts.json")
    writeFileSync(json, JSON.stringify({ server: { port: 4321 } }))
    expect(readConfigFile(toml)).toEqual({ server: { port: 1234, cors_origins: ["https://x.example"] }, core: { concurrency: 2 } })
    expect(readConfigFile(json)).toEqual({ server: { port: 4321 } })
    const bad = path.join(dir, "bad.toml")
    writeFileSync(bad, "[server\n")
    expect(() => readConfigFile(bad)).toThrow(/does not parse/)
    expect(() => readConfigFile(path.join(dir, "none.toml"))).toThrow(/Cannot read/)
  })
})
