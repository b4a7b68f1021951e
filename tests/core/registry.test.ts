import { Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { listTools } from "../../src/adapters/sdk/run-tool.js"
import { ValidationError } from "../../src/core/errors.js"
import { ToolRegistry } from "../../src/core/registry/tool-registry.js"
import { ToolRegistryLive, makeToolRegistry } from "../../src/core/registry/tool-registry-live.js"
import { defineTool } from "../../src/core/tools/define-tool.js"
import { builtinTools } from "../../src/core/tools/builtin.js"
import { testToolsModule } from "./helpers.js"

const tool = defineTool({
  id: "demo",
  name: "Demo",
  description: "A demo tool",
  category: "analyzer",
  version: "0.0.1",
  params: Schema.Struct({
    bus: Schema.Int.pipe(Schema.between(0, 3)),
    format: Schema.optionalWith(Schema.Literal("comma", "cabana"), { default: () => "comma" as const })
  }),
  inputs: [{ kind: "rlog", description: "an rlog" }],
  outputs: [{ name: "out.csv", contentType: "text/csv", description: "frames" }],
  run: () => Effect.succeed({ summary: {} })
})

const withRegistry = <A>(f: (r: typeof ToolRegistry.Service) => Effect.Effect<A, unknown>) =>
  Effect.runPromise(
    Effect.flatMap(makeToolRegistry([{ def: tool, moduleUrl: null }]), ctx => f(ctx.unsafeMap.get(ToolRegistry.key) as typeof ToolRegistry.Service))
  )

const failureOf = (raw: unknown) => withRegistry(r => Effect.flip(r.decodeParams("demo", raw))) as Promise<ValidationError>

describe("ToolRegistry", () => {
  it("lists tools with their params as JSON Schema", async () => {
    const [info] = await withRegistry(r => r.list)
    expect(info!.id).toBe("demo")
    const schema = info!.paramsJsonSchema as {
      properties: Record<string, { enum?: unknown[]; $ref?: string; minimum?: number; maximum?: number }>
      required: string[]
      additionalProperties: boolean
      $defs: Record<string, { type: string }>
    }
    expect(Object.keys(schema.properties)).toEqual(["bus", "format"])
    expect(schema.required).toEqual(["bus"])
    expect(schema.properties.format!.enum).toEqual(["comma", "cabana"])
    expect(schema.properties.bus).toMatchObject({ $ref: "#/$defs/Int", minimum: 0, maximum: 3 })
    expect(schema.$defs.Int!.type).toBe("integer")
    expect(schema.additionalProperties).toBe(false)
  })

  it("decodes params applying defaults", async () => {
    expect(await withRegistry(r => r.decodeParams("demo", { bus: 2 }))).toEqual({ bus: 2, format: "comma" })
  })

  it("rejects unknown params naming them and listing the valid ones", async () => {
    const e = await failureOf({ bus: 1, buss: 1 })
    expect(e).toBeInstanceOf(ValidationError)
    expect(e.code).toBe("unknown_param")
    expect(e.message).toContain('"buss"')
    expect(e.message).toContain("Valid parameters: bus, format")
    expect(e.details).toMatchObject({ params: ["buss"], validParams: ["bus", "format"] })
  })

  it("rejects ill-typed and missing params as invalid_param", async () => {
    const typed = await failureOf({ bus: "one" })
    expect(typed.code).toBe("invalid_param")
    expect(typed.message).toContain('"bus"')
    const range = await failureOf({ bus: 9 })
    expect(range.code).toBe("invalid_param")
    const missing = await failureOf({})
    expect(missing.code).toBe("invalid_param")
    expect(missing.message).toContain('"bus"')
    expect((await failureOf([1, 2])).code).toBe("invalid_param")
    expect((await failureOf({ bus: 1, format: "excel" })).message).toContain('"format"')
  })

  it("rejects an unknown tool listing the known ones", async () => {
    const e = (await withRegistry(r => Effect.flip(r.get("nope")))) as ValidationError
    expect(e.code).toBe("unknown_tool")
    expect(e.message).toContain("demo")
  })

  it("refuses duplicate tool ids", async () => {
    const exit = await Effect.runPromiseExit(
      makeToolRegistry([
        { def: tool, moduleUrl: null },
        { def: tool, moduleUrl: "file:///x.mjs" }
      ])
    )
    expect(JSON.stringify(exit)).toContain("duplicate_tool")
  })

  it("loads extra tool modules next to the built-in tools", async () => {
    const tools = await listTools({ extraToolModules: [testToolsModule] })
    const ids = tools.map(t => t.id)
    expect(ids.slice(0, builtinTools.length)).toEqual(builtinTools.map(t => t.id))
    expect(ids).toContain("test-params")
    expect(tools.find(t => t.id === "test-params")!.defaultTimeoutMs).toBe(5000)
    const exit = await Effect.runPromiseExit(Effect.flatMap(ToolRegistry, r => r.list).pipe(Effect.provide(ToolRegistryLive(["/nonexistent/tools.mjs"]))))
    expect(JSON.stringify(exit)).toContain("tool_module_failed")
  })
})
