import { fileURLToPath } from "node:url"
import { defineConfig, type Plugin } from "vite"

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))

/**
 * `cts-lite/log` still exports its Node file sources and bundled-DBC loader beside the browser-safe
 * reader; the page never calls them, so their Node built-ins resolve to stubs that throw if ever called.
 */
const nodeStubs = (): Plugin => {
  const names: Record<string, ReadonlyArray<string>> = {
    "node:fs": ["existsSync", "readdirSync", "readFileSync", "createReadStream"],
    "node:path": ["dirname", "join"],
    "node:url": ["fileURLToPath"]
  }
  return {
    name: "cts-node-stubs",
    enforce: "pre",
    resolveId: id => (id in names ? `\0stub:${id}` : null),
    load: id => {
      if (!id.startsWith("\0stub:")) return null
      const mod = id.slice(6)
      return names[mod]!.map(n => `export const ${n} = () => { throw new Error("${mod} ${n} is not available in the browser") }`).join("\n")
    }
  }
}

/** The web page: plain TypeScript, built into dist/web (served by `cts serve` at `/`). */
export default defineConfig({
  root: here("."),
  base: "/",
  publicDir: false,
  logLevel: "warn",
  resolve: { alias: { "cts-lite/log": here("../src/log.ts"), "cts-lite/panda": here("../src/panda.ts") } },
  plugins: [nodeStubs()],
  worker: { format: "es", plugins: () => [nodeStubs()] },
  build: { outDir: here("../dist/web"), emptyOutDir: true, target: "es2022", modulePreload: { polyfill: false }, chunkSizeWarningLimit: 2000 }
})
