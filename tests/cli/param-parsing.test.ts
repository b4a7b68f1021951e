import { JSONSchema, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { CliError } from "../../src/cli/cli-error.js"
import { paramSpecs, parseParams } from "../../src/cli/params.js"

const Params = Schema.Struct({
  bus: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 3)), { default: () => 0 }).annotations({ description: "CAN bus" }),
  speed: Schema.optional(Schema.Number),
  mode: Schema.optionalWith(Schema.Literal("edges", "all"), { default: () => "edges" as const }),
  verbose: Schema.optional(Schema.Boolean),
  addresses: Schema.optional(Schema.Array(Schema.Int)),
  label: Schema.NonEmptyString,
  limit: Schema.optional(Schema.NullOr(Schema.Int))
})
const schema = JSONSchema.make(Params) as unknown as Record<string, unknown>

const failure = (pairs: ReadonlyArray<string>): CliError => {
  try {
    parseParams("demo-tool", schema, pairs)
  } catch (error) {
    return error as CliError
  }
  throw new Error("expected parseParams to fail")
}

describe("parseParams (typed by the tool's JSON Schema)", () => {
  it("types every kind of value the schema declares", () => {
    const params = parseParams("demo-tool", schema, [
      "bus=2",
      "speed=12.5",
      "mode=all",
      "verbose=yes",
      "addresses=0x1A0,321",
      "addresses=5",
      "label=run a",
      "limit=null"
    ])
    expect(params).toEqual({ bus: 2, speed: 12.5, mode: "all", verbose: true, addresses: [416, 321, 5], label: "run a", limit: null })
    expect(Schema.decodeUnknownSync(Params)(params)).toMatchObject({ bus: 2, addresses: [416, 321, 5] })
  })

  it("names an unknown param and lists the valid ones", () => {
    const e = failure(["label=x", "bsu=1"])
    expect(e.code).toBe("unknown_param")
    expect(e.exitCode).toBe(1)
    expect(e.message).toContain('"bsu"')
    for (const name of ["bus", "speed", "mode", "verbose", "addresses", "label", "limit"]) expect(e.suggestedAction).toContain(name)
  })

  it("names an ill-typed param with what it expects", () => {
    expect(failure(["label=x", "bus=1.5"]).message).toBe('Param "bus" of demo-tool expects integer, got "1.5"')
    expect(failure(["label=x", "bus=9"]).message).toContain("<= 3")
    expect(failure(["label=x", "mode=fast"]).message).toContain("edges|all")
    expect(failure(["label=x", "verbose=maybe"]).code).toBe("invalid_param")
    expect(failure(["label=x", "addresses=1,x"]).message).toContain('got "x"')
  })

  it("reports missing required params and bad syntax", () => {
    expect(failure([]).code).toBe("missing_param")
    expect(failure(["label"]).code).toBe("invalid_param_syntax")
    expect(failure(["label=a", "label=b"]).code).toBe("duplicate_param")
  })

  it("shows types and defaults for cap", () => {
    const specs = Object.fromEntries(paramSpecs(schema).map(s => [s.name, s]))
    expect(specs.bus?.type).toBe("integer")
    expect(specs.mode?.type).toBe("edges|all")
    expect(specs.addresses?.type).toBe("integer[]")
    expect(specs.label?.required).toBe(true)
    expect(specs.bus?.description).toBe("CAN bus")
  })

  it("round-trips any integer list through comma-separated text", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 20 }), values => {
        expect(parseParams("demo-tool", schema, ["label=x", `addresses=${values.join(",")}`]).addresses).toEqual(values)
      })
    )
  })
})
