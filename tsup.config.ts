import { defineConfig } from "tsup"

export default defineConfig({
  entry: {
    index: "src/index.ts",
    log: "src/log.ts",
    "log-node": "src/log-node.ts",
    panda: "src/panda.ts",
    cli: "src/cli/main.ts",
    worker: "src/core/executor/worker-entry.ts",
    "write-tool-manifest": "src/build/write-tool-manifest.ts",
    "segment-worker": "src/core/log/segment-worker.ts"
  },
  format: ["esm"],
  dts: { entry: { index: "src/index.ts", log: "src/log.ts", "log-node": "src/log-node.ts", panda: "src/panda.ts" } },
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
  splitting: true,
  external: ["usb"],
  // `cts cap` reads the built-in tools' capabilities from dist/tool-manifest.json (no effect import).
  onSuccess: "node dist/write-tool-manifest.js"
})
