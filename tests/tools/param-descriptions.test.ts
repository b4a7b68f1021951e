import { JSONSchema } from "effect"
import { describe, expect, it } from "vitest"
import { builtinTools } from "../../src/core/tools/builtin.js"

interface ParamSchema {
  readonly description?: string
  readonly default?: unknown
}

const paramsOf = (tool: (typeof builtinTools)[number]) => {
  type Obj = { properties: Record<string, ParamSchema>; required?: ReadonlyArray<string> }
  const root = JSONSchema.make(tool.params) as unknown as Obj & { $ref?: string; $defs?: Record<string, Obj> }
  const schema = root.$ref ? root.$defs![root.$ref.split("/").pop()!] : root
  return { properties: schema.properties, required: new Set(schema.required ?? []) }
}

describe("params of every built-in tool, as `cts cap` and GET /v1/capabilities show them", () => {
  for (const tool of builtinTools) {
    it(`${tool.id}: every param has a description`, () => {
      const { properties } = paramsOf(tool)
      const missing = Object.entries(properties)
        .filter(([, p]) => typeof p.description !== "string" || p.description.trim().length < 10)
        .map(([name]) => name)
      expect(missing).toEqual([])
    })

    it(`${tool.id}: every optional param has a default or says what happens without it`, () => {
      const { properties, required } = paramsOf(tool)
      const silent = Object.entries(properties)
        .filter(([name, p]) => !required.has(name) && p.default === undefined && !/default/i.test(p.description ?? ""))
        .map(([name]) => name)
      expect(silent).toEqual([])
    })
  }

  it("engaged_bit documents both bit-spec forms and its DBC default, and carries the accepted pattern", () => {
    const engaged = paramsOf(builtinTools.find(t => t.id === "cruise-control-analyzer")!).properties.engaged_bit as ParamSchema & {
      pattern?: string
    }
    expect(engaged.description).toContain("0xADDR:bNN")
    expect(engaged.description).toContain("0xADDR:B<byte>b<msb>")
    expect(engaged.description).toContain("CruiseControl.Cruise_Activated")
    const pattern = new RegExp(engaged.pattern!)
    expect(["0x146:b43", "0x146:B5b4", "0x240:b41"].every(s => pattern.test(s))).toBe(true)
    expect(["146:b43", "0x146", "0x146:c4", "0xZZ:b1"].some(s => pattern.test(s))).toBe(false)
  })
})
