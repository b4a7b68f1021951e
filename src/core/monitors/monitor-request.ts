import { ValidationError } from "../errors.js"
import type { InputRef } from "../../model/run.js"
import type { ToolInfo } from "../registry/tool-registry.js"

/** Where a started monitor reads CAN: a panda (by serial, or the first), a simulated panda replaying a file, or a recorded log. */
export type MonitorSourceSpec = { readonly panda: string | null } | { readonly simulate: string } | { readonly path: string }

/** The run input and source params of a monitor started on `source`; `params` are the monitor's own. */
export const monitorSubmission = (
  source: MonitorSourceSpec,
  params: Record<string, unknown> = {}
): { readonly input: ReadonlyArray<InputRef>; readonly params: Record<string, unknown> } => {
  if ("simulate" in source) return { input: [{ type: "path", path: source.simulate }], params: { ...params, source: "simulate" } }
  if ("path" in source) return { input: [{ type: "path", path: source.path }], params: { ...params, source: "log" } }
  return { input: [], params: { ...params, source: "panda", ...(source.panda ? { serial: source.panda } : {}) } }
}

/** Refuses a tool that is not a monitor (`not_a_monitor`), naming the monitors there are. */
export const requireMonitor = (tools: ReadonlyArray<ToolInfo>, id: string): ToolInfo => {
  const tool = tools.find(t => t.id === id)
  if (tool?.category === "monitor") return tool
  const monitors = tools.filter(t => t.category === "monitor").map(t => t.id)
  throw new ValidationError({
    code: tool ? "not_a_monitor" : "unknown_tool",
    message: tool ? `${id} is an analyzer, not a monitor.` : `No monitor ${JSON.stringify(id)}.`,
    suggestedAction: `Monitors: ${monitors.join(", ")}. Run analyzers with runTool / POST /v1/runs.`,
    details: { monitor: id, valid: monitors }
  })
}
