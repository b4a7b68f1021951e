import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"
import ts from "typescript"

/** A module graph: each file (relative to the root, `/`-separated) and the files it imports. */
export type ImportGraph = ReadonlyMap<string, ReadonlyArray<string>>

const sourceFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(full)
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [full] : []
  })

/** The relative imports of every `.ts` file under `root/dir` (static, dynamic and `import("…")` types), read with the TypeScript scanner. */
export const readImportGraph = (root: string, dir = "src"): ImportGraph => {
  const graph = new Map<string, Array<string>>()
  for (const file of sourceFiles(path.join(root, dir))) {
    const from = path.relative(root, file).split(path.sep).join("/")
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true)
    const targets = info.importedFiles
      .map(i => i.fileName)
      .filter(name => name.startsWith("."))
      .map(name => path.posix.normalize(path.posix.join(path.posix.dirname(from), name.replace(/\.js$/, ".ts"))))
    graph.set(from, [...new Set(targets)])
  }
  return graph
}

/** One layer: its name and the path prefixes (or exact files) that belong to it. */
export interface Layer {
  readonly name: string
  readonly paths: ReadonlyArray<string>
}

/** The layer index of `file` (longest matching prefix wins), or -1 when no layer claims it. */
export const layerOf = (layers: ReadonlyArray<Layer>, file: string): number => {
  let best = -1
  let bestLength = -1
  layers.forEach((layer, index) => {
    for (const p of layer.paths) {
      const hit = p.endsWith("/") ? file.startsWith(p) : file === p
      if (hit && p.length > bestLength) (best = index), (bestLength = p.length)
    }
  })
  return best
}

/** Imports that run from a lower layer to a higher one (layers are listed bottom first), and files no layer claims. */
export const upwardImports = (graph: ImportGraph, layers: ReadonlyArray<Layer>): Array<string> => {
  const found: Array<string> = []
  for (const [from, targets] of graph) {
    const own = layerOf(layers, from)
    if (own < 0) found.push(`${from}: in no layer`)
    for (const to of targets) {
      const their = layerOf(layers, to)
      if (their > own) found.push(`${from} (${layers[own]?.name}) -> ${to} (${layers[their]!.name})`)
    }
  }
  return found
}

/** Every import cycle, as the files of each strongly connected component of more than one file (or a file importing itself). */
export const importCycles = (graph: ImportGraph): Array<ReadonlyArray<string>> => {
  let counter = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: Array<string> = []
  const onStack = new Set<string>()
  const cycles: Array<ReadonlyArray<string>> = []
  const visit = (v: string): void => {
    index.set(v, counter)
    low.set(v, counter++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const component: Array<string> = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort())
    }
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return cycles
}
