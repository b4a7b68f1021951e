import path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { resolveConfig } from "../../src/core/config-defaults.js"
import { ValidationError } from "../../src/core/errors.js"
import { tempDir } from "./helpers.js"

const tmp = tempDir("config-source")
afterAll(() => tmp.cleanup())
const key = { CTS_SIGNING_KEY: "k".repeat(32) }

const refusal = (run: () => unknown): ValidationError => {
  try {
    run()
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError)
    return e as ValidationError
  }
  throw new Error("expected a ValidationError")
}

describe("core settings from CTS_* variables over the [core] table of a config file", () => {
  it("takes the file's values, typed as TOML gives them, and lets a set variable win", () => {
    const dataDir = path.join(tmp.dir, "file-data")
    const file = {
      data_dir: dataDir,
      input_roots: ["/srv/a", "/srv/b"],
      concurrency: 3,
      default_timeout_s: 1.5,
      retention_days: 30,
      store: "sqlite",
      artifacts: "s3://bucket/prefix",
      s3_region: "eu-west-1",
      s3_force_path_style: false
    }
    expect(resolveConfig({}, key, file)).toMatchObject({
      dataDir,
      inputRoots: ["/srv/a", "/srv/b"],
      concurrency: 3,
      defaultTimeoutMs: 1500,
      retentionDays: 30,
      store: "sqlite",
      artifacts: "s3://bucket/prefix",
      s3: { region: "eu-west-1", forcePathStyle: false }
    })
    const env = { ...key, CTS_CONCURRENCY: "2", CTS_S3_REGION: "us-east-2", CTS_RETENTION_DAYS: "" }
    expect(resolveConfig({}, env, file)).toMatchObject({ concurrency: 2, s3: { region: "us-east-2", forcePathStyle: false }, retentionDays: null })
    expect(resolveConfig({ concurrency: 1 }, env, file).concurrency).toBe(1)
  })

  it("names the file key or the variable of a bad value and what it accepts", () => {
    const dataDir = path.join(tmp.dir, "bad")
    const fromFile = refusal(() => resolveConfig({}, { ...key, CTS_DATA_DIR: dataDir }, { concurrency: "two" }))
    expect(fromFile).toMatchObject({
      code: "invalid_config",
      message: '[core].concurrency="two" is not a positive integer',
      details: { variable: "[core].concurrency" }
    })
    const fromEnv = refusal(() => resolveConfig({}, { ...key, CTS_DATA_DIR: dataDir, CTS_S3_FORCE_PATH_STYLE: "maybe" }))
    expect(fromEnv.message).toBe('CTS_S3_FORCE_PATH_STYLE="maybe" is not true or false')
    expect(fromEnv.suggestedAction).toBe("Set CTS_S3_FORCE_PATH_STYLE to true or false, or unset it to use the default")
    const store = refusal(() => resolveConfig({}, { ...key, CTS_DATA_DIR: dataDir, CTS_STORE: "mysql://u:secret@h/db" }))
    expect(store.message).toBe('CTS_STORE="mysql://u:***@h/db" is not sqlite or a postgres://user@host:port/database URL')
    expect(refusal(() => resolveConfig({}, key, { concurency: 2 })).message).toContain('Unknown setting "concurency" in the [core] section')
    expect(refusal(() => resolveConfig({}, key, { input_roots: { a: 1 } })).message).toContain("[core].input_roots must be")
  })
})
