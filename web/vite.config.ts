import { fileURLToPath } from "node:url"
import { defineConfig } from "vite"
import { noNodeBuiltins } from "./no-node-builtins.js"

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))

/** The web page: plain TypeScript, built into dist/web (served by `cts serve` at `/`). */
export default defineConfig({
  root: here("."),
  base: "/",
  publicDir: false,
  plugins: [noNodeBuiltins()],
  logLevel: "warn",
  resolve: { alias: { "cts-lite/log": here("../src/log.ts"), "cts-lite/panda": here("../src/panda.ts") } },
  worker: { format: "es", plugins: () => [noNodeBuiltins()] },
  build: { outDir: here("../dist/web"), emptyOutDir: true, target: "es2022", modulePreload: { polyfill: false }, chunkSizeWarningLimit: 2000 }
})
