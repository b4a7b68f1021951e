import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { resolveServerSettings, type ResolveServerSettingsInput } from "../../src/adapters/http/server-config.js"
import { startServer } from "../../src/adapters/http/start-server.js"
import { presetDefaults } from "../../src/adapters/http/server-settings.js"

const refusal = (input: ResolveServerSettingsInput): unknown => {
  try {
    resolveServerSettings(input)
  } catch (e) {
    return e
  }
  throw new Error("expected the settings to be refused")
}

describe("server settings from each source", () => {
  it("reads every kind of value from the [server] table as TOML types it, and the same from CTS_* text", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cts-server-settings-"))
    const pem = path.join(dir, "key.pem")
    writeFileSync(pem, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    const file = {
      preset: "staging",
      port: 9001,
      public_url: "https://cts.example.com/",
      tokens: ["ci=cccccccccccccccc1", "dddddddddddddddd2"],
      jwt_public_key: pem,
      force_insecure: true,
      rate_limit: "50/s",
      max_upload_bytes: "3MiB",
      sse_heartbeat_ms: 20,
      trust_proxy: ["10.0.0.1", "10.0.0.2"],
      body_min_bytes: 1000
    }
    const fromFile = resolveServerSettings({ env: {}, file })
    expect(fromFile).toMatchObject({
      preset: "staging",
      requireAuth: true,
      signedUrlTtlSeconds: presetDefaults.staging.signedUrlTtlSeconds,
      port: 9001,
      publicUrl: "https://cts.example.com",
      tokens: [
        { principal: "ci", token: "cccccccccccccccc1" },
        { principal: "default", token: "dddddddddddddddd2" }
      ],
      jwtPublicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
      forceInsecure: true,
      rateLimit: { requests: 50, windowMs: 1000 },
      maxUploadBytes: 3 * 1024 * 1024,
      sseHeartbeatMs: 20,
      trustProxy: ["10.0.0.1", "10.0.0.2"],
      bodyMinBytes: 1000
    })
    const env = {
      CTS_PRESET: "staging",
      CTS_PORT: "9001",
      CTS_PUBLIC_URL: "https://cts.example.com/",
      CTS_TOKENS: "ci=cccccccccccccccc1,dddddddddddddddd2",
      CTS_JWT_PUBLIC_KEY: pem,
      CTS_FORCE_INSECURE: "on",
      CTS_RATE_LIMIT: "50/s",
      CTS_MAX_UPLOAD_BYTES: "3MiB",
      CTS_SSE_HEARTBEAT_MS: "20",
      CTS_TRUST_PROXY: "10.0.0.1,10.0.0.2",
      CTS_BODY_MIN_BYTES: "1000"
    }
    expect(resolveServerSettings({ env })).toEqual(fromFile)
  })

  it("layers preset < file < env < flag < option; an empty variable masks the file and gives the default", () => {
    const file = { port: 7000, host: "127.0.0.3", rate_limit: "10/s" }
    expect(resolveServerSettings({ env: {}, file }).port).toBe(7000)
    expect(resolveServerSettings({ env: { CTS_PORT: "7001" }, file }).port).toBe(7001)
    expect(resolveServerSettings({ env: { CTS_PORT: "7001" }, file, flags: { port: "7002" } }).port).toBe(7002)
    expect(resolveServerSettings({ env: { CTS_PORT: "7001" }, file, flags: { port: "7002" }, overrides: { port: 7003 } }).port).toBe(7003)
    const masked = resolveServerSettings({ env: { CTS_HOST: "", CTS_RATE_LIMIT: "" }, file })
    expect(masked.host).toBe(presetDefaults.dev.host)
    expect(masked.rateLimit).toBe(presetDefaults.dev.rateLimit)
    expect(resolveServerSettings({ env: { CTS_PRESET: "production", CTS_REQUIRE_AUTH: "" } }).requireAuth).toBe(true)
    expect(resolveServerSettings({ env: {}, overrides: { preset: "production" } })).toEqual(presetDefaults.production)
  })

  it("a bad value of each type is invalid_config naming the setting and where it was set", () => {
    const cases: ReadonlyArray<readonly [ResolveServerSettingsInput, string, string, RegExp]> = [
      [{ env: { CTS_PORT: "http" } }, "CTS_PORT", "CTS_PORT", /^CTS_PORT="http" is not an integer from 0 to 65535$/],
      [{ env: {}, flags: { port: "-1" } }, "--port", "CTS_PORT", /^--port="-1" is not an integer from 0 to 65535$/],
      [{ env: {}, file: { port: 1.5 } }, "[server].port", "CTS_PORT", /^\[server\]\.port="1.5" is not an integer/],
      [{ env: { CTS_FORCE_INSECURE: "sometimes" } }, "CTS_FORCE_INSECURE", "CTS_FORCE_INSECURE", /is not true or false$/],
      [{ env: {}, file: { require_auth: "yes please" } }, "[server].require_auth", "CTS_REQUIRE_AUTH", /is not true or false$/],
      [{ env: {}, file: { public_url: "cts.example.com" } }, "[server].public_url", "CTS_PUBLIC_URL", /is not an absolute http\(s\) URL$/],
      [{ env: { CTS_MAX_JSON_BYTES: "1 lot" } }, "CTS_MAX_JSON_BYTES", "CTS_MAX_JSON_BYTES", /is not a positive size such as 1048576, 512MiB or 2GB$/],
      [{ env: { CTS_BODY_TIMEOUT_MS: "50" } }, "CTS_BODY_TIMEOUT_MS", "CTS_BODY_TIMEOUT_MS", /is not an integer from 100 to 3600000$/],
      [{ env: {}, file: { signed_url_ttl: 0 } }, "[server].signed_url_ttl", "CTS_SIGNED_URL_TTL", /is not an integer from 1 to 31536000$/],
      [{ env: { CTS_RATE_LIMIT: "3/fortnight" } }, "CTS_RATE_LIMIT", "CTS_RATE_LIMIT", /is not off, a number per minute/],
      [{ env: {}, file: { preset: "prod" } }, "[server].preset", "CTS_PRESET", /^\[server\]\.preset="prod" is not dev, staging or production$/],
      [
        { env: { CTS_TOKENS: "alice=aaaaaaaaaaaaaaaa1,jwt:x=bbbbbbbbbbbbbbbb2" } },
        "CTS_TOKENS",
        "CTS_TOKENS",
        /^CTS_TOKENS="alice=…,jwt:x=…" is not entries of/
      ],
      [{ env: {}, file: { cors_origins: { a: 1 } } }, "[server].cors_origins", "CTS_CORS_ORIGINS", /must be a comma-separated list \(or array\) of strings/],
      [{ env: { CTS_JWT_PUBLIC_KEY: "/no/such/key.pem" } }, "CTS_JWT_PUBLIC_KEY", "CTS_JWT_PUBLIC_KEY", /is not a PEM public key or the path/]
    ]
    for (const [input, variable, setting, message] of cases) {
      const error = refusal(input) as { message: string }
      expect(error, variable).toMatchObject({ _tag: "ValidationError", code: "invalid_config", details: { variable, setting } })
      expect(error.message, variable).toMatch(message)
    }
  })

  it("never shows a secret in the message", () => {
    const secret = "s3cr3t-but-too-short"
    expect((refusal({ env: { CTS_JWT_SECRET: secret } }) as Error).message).not.toContain(secret)
    expect((refusal({ env: { CTS_TOKENS: `bob=${secret.slice(0, 10)}` } }) as Error).message).not.toContain(secret.slice(0, 10))
  })
})

describe("startServer's input roots", () => {
  it("an empty CTS_INPUT_ROOTS masks the file's input_roots, and then the server takes no path inputs at all", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cts-server-roots-"))
    const file = path.join(dir, "cts.toml")
    writeFileSync(file, `[core]\ndata_dir = ${JSON.stringify(path.join(dir, "data"))}\ninput_roots = ["/"]\n`)
    const server = await startServer({ env: { CTS_CONFIG_FILE: file, CTS_INPUT_ROOTS: "", CTS_SIGNING_KEY: "k".repeat(32) }, port: 0 })
    try {
      const res = await fetch(`${server.url}/v1/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tool_id: "rlog-to-csv", input: { type: "path", value: "/etc/hostname" } })
      })
      expect(res.status).toBe(403)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("path_not_allowed")
    } finally {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
