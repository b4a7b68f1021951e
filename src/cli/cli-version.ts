import { readFileSync } from "node:fs"

/** Name and version of the installed cts-lite package (read from its package.json). */
export const cliPackage = (): { readonly name: string; readonly version: string } => {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version?: string }
      if (pkg.name === "cts-lite" && typeof pkg.version === "string") return { name: pkg.name, version: pkg.version }
    } catch {
      // try the next candidate location
    }
  }
  return { name: "cts-lite", version: "unknown" }
}
