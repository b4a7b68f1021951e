import { readFileSync, statSync } from "node:fs"
import { availableParallelism, homedir } from "node:os"
import path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import {
  DEFAULT_MAX_INPUT_BYTES_PER_RUN,
  DEFAULT_MAX_INPUTS_PER_RUN,
  DEFAULT_TIMEOUT_MS,
  defaultDataDir,
  resolveConfig
} from "../../src/core/config-defaults.js"
import { SystemError, ValidationError } from "../../src/core/errors.js"
import { tempDir } from "./helpers.js"

const tmp = tempDir("config")
afterAll(() => tmp.cleanup())

describe("resolveConfig", () => {
  it("chooses the data dir from CTS_DATA_DIR, then XDG_DATA_HOME, then ~/.local/share", () => {
    expect(defaultDataDir({ CTS_DATA_DIR: "/srv/cts", XDG_DATA_HOME: "/x" })).toBe("/srv/cts")
    expect(defaultDataDir({ XDG_DATA_HOME: "/x/data" })).toBe("/x/data/cts-lite")
    expect(defaultDataDir({ XDG_DATA_HOME: "relative" })).toBe(path.join(homedir(), ".local/share/cts-lite"))
    expect(defaultDataDir({})).toBe(path.join(homedir(), ".local/share/cts-lite"))
  })

  it("applies defaults and generates a signing key once, stored with mode 0600", () => {
    const dataDir = path.join(tmp.dir, "d1")
    const c = resolveConfig({}, { CTS_DATA_DIR: dataDir })
    expect(c).toMatchObject({ dataDir, inputRoots: null, concurrency: availableParallelism(), defaultTimeoutMs: DEFAULT_TIMEOUT_MS, retentionDays: null })
    expect(c).toMatchObject({ maxInputsPerRun: DEFAULT_MAX_INPUTS_PER_RUN, maxInputBytesPerRun: DEFAULT_MAX_INPUT_BYTES_PER_RUN })
    expect([DEFAULT_MAX_INPUTS_PER_RUN, DEFAULT_MAX_INPUT_BYTES_PER_RUN]).toEqual([256, 32 * 1024 ** 3])
    const keyFile = path.join(dataDir, "signing-key")
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(readFileSync(keyFile, "utf8").trim()).toBe(c.signingKey)
    expect(c.signingKey.length).toBeGreaterThanOrEqual(32)
    expect(resolveConfig({}, { CTS_DATA_DIR: dataDir }).signingKey).toBe(c.signingKey)
  })

  it("reads every CTS_* variable, and explicit values win", () => {
    const env = {
      CTS_DATA_DIR: path.join(tmp.dir, "d2"),
      CTS_INPUT_ROOTS: ["/data/a", "/data/b", ""].join(path.delimiter),
      CTS_CONCURRENCY: "3",
      CTS_DEFAULT_TIMEOUT_S: "90",
      CTS_SIGNING_KEY: "s".repeat(40),
      CTS_RETENTION_DAYS: "14",
      CTS_MAX_INPUTS_PER_RUN: "8",
      CTS_MAX_INPUT_BYTES_PER_RUN: "1000000",
      CTS_MIN_FREE_BYTES: "1048576"
    }
    expect(resolveConfig({}, env)).toEqual({
      dataDir: env.CTS_DATA_DIR,
      inputRoots: ["/data/a", "/data/b"],
      concurrency: 3,
      defaultTimeoutMs: 90_000,
      signingKey: "s".repeat(40),
      retentionDays: 14,
      maxInputsPerRun: 8,
      maxInputBytesPerRun: 1_000_000,
      minFreeBytes: 1_048_576
    })
    expect(resolveConfig({ concurrency: 1, inputRoots: null, retentionDays: null }, env)).toMatchObject({
      concurrency: 1,
      inputRoots: null,
      retentionDays: null
    })
  })

  it.each([
    ["CTS_CONCURRENCY", "two"],
    ["CTS_CONCURRENCY", "1.5"],
    ["CTS_DEFAULT_TIMEOUT_S", "-1"],
    ["CTS_RETENTION_DAYS", "0"],
    ["CTS_MAX_INPUTS_PER_RUN", "0"],
    ["CTS_MAX_INPUT_BYTES_PER_RUN", "1.5"],
    ["CTS_MIN_FREE_BYTES", "64MiB"]
  ])("rejects %s=%s naming the variable", (name, value) => {
    try {
      resolveConfig({}, { CTS_DATA_DIR: path.join(tmp.dir, "d3"), CTS_SIGNING_KEY: "k".repeat(32), [name]: value })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError)
      expect((e as ValidationError).code).toBe("invalid_config")
      expect((e as ValidationError).message).toContain(name)
    }
  })

  it("reports an unusable data dir as a SystemError", () => {
    const file = path.join(tmp.dir, "d1", "signing-key")
    expect(() => resolveConfig({ dataDir: path.join(file, "nested") })).toThrow(SystemError)
  })
})
