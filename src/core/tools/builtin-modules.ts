/**
 * Each built-in tool's own module, by tool id, so a worker thread imports only the tool it runs
 * (and what that tool imports) instead of every built-in tool. Kept in step with builtin.ts.
 */
export const builtinToolModules: Readonly<Record<string, () => Promise<Record<string, unknown>>>> = {
  "rlog-to-csv": () => import("./rlog-to-csv/tool.js"),
  "cruise-control-analyzer": () => import("./cruise-control-analyzer/tool.js"),
  "can-bitwatch": () => import("./can-bitwatch/tool.js"),
  "find-similar-bits": () => import("./find-similar-bits/tool.js"),
  "dbc-signals": () => import("./dbc-signals/tool.js"),
  "can-bus-check": () => import("./can-bus-check/tool.js"),
  "can-capture": () => import("./can-capture/tool.js"),
  "hybrid-rx-trace": () => import("./hybrid-rx-trace/tool.js"),
  "panda-state": () => import("./panda-state/tool.js")
}
