import type { Layer } from "./import-graph.js"

/**
 * The layering of `src/`, bottom first: a file may import only from its own layer or one below.
 * Mirrors the drawing in docs/architecture.md.
 */
export const LAYERS: ReadonlyArray<Layer> = [
  /** The domain as Effect Schemas: imports nothing of ours. `core/errors.ts` only re-exports the model's errors. */
  { name: "model", paths: ["src/model/", "src/core/errors.ts"] },
  /** Data layer: rlog reader, CAN, DBC, the panda driver, small helpers; the `cts-lite/log` and `cts-lite/panda` entries. */
  {
    name: "data",
    paths: ["src/core/log/", "src/core/can/", "src/core/dbc/", "src/core/panda/", "src/core/util/", "src/log.ts", "src/log-node.ts", "src/panda.ts"]
  },
  /** Settings read once, version, error wording. */
  {
    name: "config",
    paths: [
      "src/core/config.ts",
      "src/core/config-defaults.ts",
      "src/core/config-source.ts",
      "src/core/config-provider.ts",
      "src/core/config-rules.ts",
      "src/core/config-file.ts",
      "src/core/version.ts",
      "src/core/hints.ts"
    ]
  },
  /** Persistence port and its layers. */
  { name: "store", paths: ["src/core/store/"] },
  /** Core services over the store: artifacts, run events, tool registry, tools and monitors. */
  { name: "services", paths: ["src/core/artifacts/", "src/core/run-events/", "src/core/registry/", "src/core/tools/", "src/core/monitors/"] },
  /** Runs: RunService (Executor), RunQueue, ToolRunner, worker threads. */
  { name: "runs", paths: ["src/core/executor/"] },
  /** The composition root and what reads every service. */
  { name: "composition", paths: ["src/core/runtime.ts", "src/core/observability/", "src/core/access/", "src/core/capabilities.ts"] },
  /** Adapters (HTTP, SDK), the client and the package entry. */
  { name: "adapters", paths: ["src/adapters/", "src/client/", "src/index.ts"] },
  { name: "cli", paths: ["src/cli/", "src/build/"] }
]
