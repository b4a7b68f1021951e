import type { ToolDefinition } from "../tools/define-tool.js"
import { MONITOR_INPUT } from "./monitor-params.js"

/** Longest a monitor may run (the executor's maximum timeout): it ends when stopped, at duration_s or with its source. */
export const MONITOR_TIMEOUT_MS = 7 * 24 * 3600 * 1000

/** Time a stopped monitor gets to close its source and finish its artifacts (the current capture segment). */
export const MONITOR_STOP_GRACE_MS = 10_000

/** Declares a monitor: a tool of category `monitor` taking an optional recorded log and no default time limit; `sources` defaults to all three. */
export const defineMonitor = <P, I>(
  def: Omit<ToolDefinition<P, I>, "category" | "inputs" | "defaultTimeoutMs" | "version"> & { readonly version?: string }
): ToolDefinition<P, I> => ({
  version: "1.0.0",
  sources: ["log", "simulate", "panda"],
  ...def,
  category: "monitor",
  inputs: [MONITOR_INPUT],
  defaultTimeoutMs: MONITOR_TIMEOUT_MS,
  stopGraceMs: MONITOR_STOP_GRACE_MS
})
