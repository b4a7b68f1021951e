import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Option } from "effect"
import { readSettings, settingsConfig, settingsProvider, type SettingSources } from "../../src/core/config-provider.js"
import { byteSize, flag, httpUrl, intRange, list, oneOf, text } from "../../src/core/config-rules.js"
import { ValidationError } from "../../src/core/errors.js"

/** One setting of each kind of value, as a program declares them. */
const spec = {
  port: { env: "T_PORT", file: "port", flag: "--port", rule: intRange(0, 65535) },
  secure: { env: "T_SECURE", file: "secure", rule: flag },
  url: { env: "T_URL", file: "url", flag: "--url", rule: httpUrl },
  upload: { env: "T_UPLOAD", file: "upload", rule: byteSize },
  mode: { env: "T_MODE", file: "mode", rule: oneOf(["a", "b", "c"]) },
  origins: { env: "T_ORIGINS", file: "origins", rule: list() },
  name: { env: "T_NAME", rule: text }
} as const
const config = settingsConfig(spec)
const fileOf = (table: unknown): SettingSources["file"] => ({ table, prefix: "[t].", name: "the [t] section" })

const refusal = (sources: SettingSources): ValidationError => {
  try {
    readSettings(spec, config, sources)
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError)
    return e as ValidationError
  }
  throw new Error("expected a ValidationError")
}

describe("settings through one ConfigProvider (env, config file, flags)", () => {
  it.effect("a declared setting is an Effect Config: read from any ConfigProvider, None when unset or empty", () =>
    Effect.gen(function* () {
      const values = yield* Effect.withConfigProvider(
        config,
        ConfigProvider.fromMap(
          new Map([
            ["T_PORT", " 8080 "],
            ["T_SECURE", "yes"],
            ["T_UPLOAD", "2MiB"],
            ["T_ORIGINS", "https://a.example, ,https://b.example"],
            ["T_NAME", ""]
          ])
        )
      )
      expect(values.port).toEqual(Option.some(8080))
      expect(values.secure).toEqual(Option.some(true))
      expect(values.upload).toEqual(Option.some(2 * 1024 * 1024))
      expect(values.origins).toEqual(Option.some(["https://a.example", "https://b.example"]))
      expect(values.name).toEqual(Option.none())
      expect(values.mode).toEqual(Option.none())
      const bad = yield* Effect.either(Effect.withConfigProvider(config, ConfigProvider.fromMap(new Map([["T_MODE", "d"]]))))
      expect(Either.isLeft(bad) && String(bad.left)).toContain("T_MODE")
    })
  )

  it.effect("the provider of the sources: flag over variable over file key, each value's source known", () =>
    Effect.gen(function* () {
      const { provider, where } = settingsProvider(spec, {
        env: { T_PORT: "2000", T_URL: "http://env.example/", T_MODE: "" },
        file: fileOf({ port: 1000, url: "http://file.example", mode: "b", secure: true, origins: ["x", "y"] }),
        flags: { url: "https://flag.example/base/" }
      })
      const values = yield* Effect.withConfigProvider(config, provider)
      expect(values).toMatchObject({
        port: Option.some(2000),
        url: Option.some("https://flag.example/base"),
        secure: Option.some(true),
        origins: Option.some(["x", "y"]),
        mode: Option.none()
      })
      expect([where("T_PORT"), where("T_URL"), where("T_SECURE"), where("T_MODE")]).toEqual(["T_PORT", "--url", "[t].secure", "T_MODE"])
    })
  )

  it("a bad value of each kind is invalid_config naming the setting, where it was set and what it accepts", () => {
    const cases: ReadonlyArray<readonly [SettingSources, string, string, string]> = [
      [{ env: { T_PORT: "80000" } }, "T_PORT", "T_PORT", 'T_PORT="80000" is not an integer from 0 to 65535'],
      [{ env: {}, flags: { port: "eighty" } }, "--port", "T_PORT", '--port="eighty" is not an integer from 0 to 65535'],
      [{ env: {}, file: fileOf({ secure: "maybe" }) }, "[t].secure", "T_SECURE", '[t].secure="maybe" is not true or false'],
      [{ env: { T_URL: "ftp://user:pw@x/" } }, "T_URL", "T_URL", 'T_URL="ftp://user:***@x/" is not an absolute http(s) URL'],
      [{ env: {}, file: fileOf({ upload: "lots" }) }, "[t].upload", "T_UPLOAD", '[t].upload="lots" is not a positive size such as 1048576, 512MiB or 2GB'],
      [{ env: { T_MODE: "d" } }, "T_MODE", "T_MODE", 'T_MODE="d" is not a, b or c'],
      [{ env: {}, file: fileOf({ origins: 5 }) }, "[t].origins", "T_ORIGINS", "[t].origins must be a comma-separated list (or array) of strings; got 5."]
    ]
    for (const [sources, variable, setting, message] of cases) {
      const error = refusal(sources)
      expect(error, variable).toMatchObject({ code: "invalid_config", message, details: { variable, setting } })
      expect(error.suggestedAction).toContain(variable)
    }
  })

  it("a flag or variable that wins hides a bad value below it; a file key the spec does not declare is refused", () => {
    expect(readSettings(spec, config, { env: { T_PORT: "80" }, file: fileOf({ port: "bad" }) }).port).toEqual(Option.some(80))
    expect(readSettings(spec, config, { env: { T_PORT: "bad" }, flags: { port: "0" } }).port).toEqual(Option.some(0))
    expect(refusal({ env: {}, file: fileOf({ prot: 1 }) })).toMatchObject({ code: "invalid_config", message: 'Unknown setting "prot" in the [t] section.' })
    expect(refusal({ env: {}, file: fileOf(["port"]) }).message).toBe("the [t] section must be a table.")
    expect(refusal({ env: {}, file: fileOf({ name: "x" }) }).message).toContain('Unknown setting "name"')
  })
})
