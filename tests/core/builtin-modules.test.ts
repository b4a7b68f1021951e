import { describe, expect, it } from "vitest"
import { toolsOfModule } from "../../src/core/registry/tool-modules.js"
import { builtinToolModules } from "../../src/core/tools/builtin-modules.js"
import { builtinTools } from "../../src/core/tools/builtin.js"

describe("built-in tool modules (what a worker thread imports for one tool)", () => {
  it("name exactly the built-in tools", () => {
    expect(Object.keys(builtinToolModules).sort()).toEqual(builtinTools.map(t => t.id).sort())
  })

  it.each(builtinTools.map(t => [t.id, t] as const))("%s: its module exports that very tool", async (id, tool) => {
    const tools = toolsOfModule(await builtinToolModules[id]!())
    expect(tools.find(t => t.id === id)).toBe(tool)
  })
})
