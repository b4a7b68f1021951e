import { defineCommand } from "citty"
import type { ToolInfo } from "../../core/registry/tool-registry.js"
import { commandEnv, globalArgs, openClient } from "../cli-context.js"
import { usageError } from "../cli-error.js"
import { paramSpecs } from "../params.js"

/**
 * In-process with the default config, the build's tool manifest answers without loading effect or SQLite;
 * a server, or CTS_DEFAULT_TIMEOUT_S (validated by the core's config), goes through the client.
 */
const capabilities = async (server: string | null): Promise<ReadonlyArray<ToolInfo>> =>
  server === null && !process.env.CTS_DEFAULT_TIMEOUT_S
    ? (await import("../../core/registry/tool-manifest.js")).loadToolInfos()
    : (await openClient((await commandEnv()).settings)).capabilities()

const formatDefault = (value: unknown): string => (value === undefined ? "" : JSON.stringify(value))

/** `cts cap`: the tools with their params (types, defaults, descriptions, choices), inputs and outputs. */
export const capCommand = defineCommand({
  meta: { name: "cap", description: "List tools and monitors with their params, inputs and outputs" },
  args: {
    tool: { type: "positional", description: "Show only this tool", required: false },
    ...globalArgs
  },
  run: async ({ args }) => {
    const { settings, out } = await commandEnv()
    const all = await capabilities(settings.server)
    const tools = args.tool ? all.filter(t => t.id === args.tool) : all
    if (args.tool && tools.length === 0) {
      throw usageError("unknown_tool", `Unknown tool "${args.tool}"`, `Available tools: ${all.map(t => t.id).join(", ") || "(none)"}.`)
    }
    if (out.json) {
      out.printJson({ tools })
      return
    }
    if (tools.length === 0) {
      out.log.warn("No tools are registered.")
      return
    }
    for (const tool of tools) {
      out.line(`${out.paint.bold(out.paint.cyan(tool.id))} ${out.paint.dim(`v${tool.version} · ${tool.category}`)}  ${tool.name}`)
      out.line(`  ${tool.description}`)
      out.line(
        `  ${out.paint.bold("input")}: ${tool.inputs.map(i => `${i.kind}${i.multiple ? " (one or more)" : ""} — ${i.description}`).join("; ") || "none"}`
      )
      if (tool.sources)
        out.line(
          `  ${out.paint.bold("sources")}: ${tool.sources.join(", ")} · ${tool.requiresHardware ? "requires a panda" : "runs without hardware (log or simulate)"}`
        )
      out.line(`  ${out.paint.bold("outputs")}: ${tool.outputs.map(o => o.name).join(", ") || "none"}`)
      const specs = paramSpecs(tool.paramsJsonSchema)
      if (specs.length === 0) {
        out.line(`  ${out.paint.bold("params")}: none`)
      } else {
        out.line(`  ${out.paint.bold("params")}:`)
        const width = Math.max(...specs.map(s => s.name.length))
        for (const s of specs) {
          const extras = [s.required ? "required" : "", s.default !== undefined ? `default ${formatDefault(s.default)}` : ""].filter(Boolean).join(", ")
          out.line(
            `    ${s.name.padEnd(width)}  ${out.paint.yellow(s.type)}${extras ? out.paint.dim(` (${extras})`) : ""}${s.description ? `  ${s.description}` : ""}`
          )
        }
      }
      out.line()
    }
    out.line(out.paint.dim("Run one with: cts run <tool> --path FILE [-p name=value]…"))
  }
})
