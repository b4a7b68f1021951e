import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { importCycles, readImportGraph, upwardImports, type ImportGraph } from "./import-graph.js"
import { LAYERS } from "./layers.js"

const root = new URL("../../", import.meta.url).pathname
const graph = readImportGraph(root)

describe("layering of src/", () => {
  it("reads the real import graph", () => {
    expect(graph.size).toBeGreaterThan(200)
    expect(graph.get("src/core/runtime.ts")).toContain("src/core/store/run-store.ts")
  })

  it("has no import that runs back up the layers", () => {
    expect(upwardImports(graph, LAYERS)).toEqual([])
  })

  it("has no import cycles", () => {
    expect(importCycles(graph)).toEqual([])
  })

  it("keeps the model free of our own imports, and core/errors.ts a plain re-export of it", () => {
    for (const [file, targets] of graph) {
      if (file.startsWith("src/model/"))
        expect(
          targets.filter(t => !t.startsWith("src/model/")),
          file
        ).toEqual([])
    }
    expect(graph.get("src/core/errors.ts")).toEqual(["src/model/errors.ts"])
    const shim = readFileSync(`${root}src/core/errors.ts`, "utf8")
    expect(shim.split("\n").filter(l => l.trim() && !l.startsWith("/**") && !l.startsWith("export "))).toEqual([])
  })
})

describe("the checks find real violations (fixture graph)", () => {
  const fixture: ImportGraph = new Map([
    ["src/model/run.ts", ["src/core/store/run-store.ts"]],
    ["src/core/store/run-store.ts", ["src/core/executor/executor.ts", "src/model/run.ts"]],
    ["src/core/executor/executor.ts", ["src/core/run-events/log-stream.ts"]],
    ["src/core/run-events/log-stream.ts", ["src/core/executor/executor.ts"]],
    ["src/cli/main.ts", ["src/adapters/sdk/create-cts.ts"]],
    ["src/adapters/sdk/create-cts.ts", ["src/cli/output.ts"]],
    ["src/cli/output.ts", []],
    ["src/stray.ts", []]
  ])

  it("reports each upward import and each file outside the layers", () => {
    expect(upwardImports(fixture, LAYERS)).toEqual([
      "src/model/run.ts (model) -> src/core/store/run-store.ts (store)",
      "src/core/store/run-store.ts (store) -> src/core/executor/executor.ts (runs)",
      "src/core/run-events/log-stream.ts (services) -> src/core/executor/executor.ts (runs)",
      "src/adapters/sdk/create-cts.ts (adapters) -> src/cli/output.ts (cli)",
      "src/stray.ts: in no layer"
    ])
  })

  it("reports each cycle once with all of its files", () => {
    const cycles = importCycles(fixture).map(c => [...c])
    expect(cycles).toHaveLength(2)
    expect(cycles).toContainEqual(["src/core/executor/executor.ts", "src/core/run-events/log-stream.ts"])
    expect(cycles).toContainEqual(["src/core/store/run-store.ts", "src/model/run.ts"])
  })
})
