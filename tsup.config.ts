import { defineConfig } from "tsup"

export default defineConfig({
  entry: {
    index: "src/index.ts",
    log: "src/log.ts",
    panda: "src/panda.ts",
    cli: "src/cli/main.ts",
    worker: "src/core/executor/worker-entry.ts"
  },
  format: ["esm"],
  dts: { entry: { index: "src/index.ts", log: "src/log.ts", panda: "src/panda.ts" } },
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
  splitting: true,
  external: ["usb"]
})
