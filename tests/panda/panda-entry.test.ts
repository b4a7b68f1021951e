import { existsSync, readFileSync } from "node:fs"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { repoRoot } from "../support/shared-data.js"

const dist = path.join(repoRoot, "dist")

/** Every module specifier reachable from a built entry, following relative chunks. */
const reachableImports = (entry: string): Set<string> => {
  const seen = new Set<string>()
  const bare = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    for (const m of readFileSync(path.join(dist, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
      if (m[1].startsWith("./")) visit(m[1].slice(2))
      else bare.add(m[1])
    }
  }
  visit(entry)
  return bare
}

describe("cts-lite/panda entry", () => {
  it.skipIf(!existsSync(path.join(dist, "panda.js")))("is browser-safe: the built entry reaches only effect, no Node built-ins and not the usb package", () => {
    const imports = [...reachableImports("panda.js")]
    expect(imports).toContain("effect")
    // effect and its sub-paths (the errors come from effect/Data) and nothing else
    expect(imports.filter(s => s !== "effect" && !s.startsWith("effect/"))).toEqual([])
  })

  it("is declared in package.json exports", () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8"))
    expect(pkg.exports["./panda"]).toEqual({ types: "./dist/panda.d.ts", import: "./dist/panda.js" })
  })
})
