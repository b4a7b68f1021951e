import { builtinModules } from "node:module"
import type { Plugin } from "vite"

const builtins = new Set([...builtinModules, ...builtinModules.map(m => `node:${m}`)])

/** Fails the page build when any module it bundles imports a Node built-in: what the page runs (e.g. core's shared counters) must stay browser-safe. */
export const noNodeBuiltins = (): Plugin => ({
  name: "cts-no-node-builtins",
  enforce: "pre",
  resolveId(source, importer) {
    if (builtins.has(source) || source.startsWith("node:"))
      this.error(`${importer ?? "the page"} imports the Node built-in "${source}"; the web page bundles only browser-safe modules.`)
    return null
  }
})
