import path from "node:path"
import { pathToFileURL } from "node:url"
import { describe, expect, it } from "vitest"
import { commandTable } from "../../src/cli/command-table.js"
import { buildToolManifest } from "../../src/core/registry/build-tool-manifest.js"
import { listToolInfos } from "../../src/core/registry/list-tool-infos.js"
import { loadToolInfos, readToolManifest, toolInfosOfManifest } from "../../src/core/registry/tool-manifest.js"
import { json, runCts, useSandbox } from "./cli-harness.js"
import { repoRoot } from "../support/shared-data.js"

const distManifest = pathToFileURL(path.join(repoRoot, "dist/tool-manifest.json"))

describe("cts --help lists commands without loading them", () => {
  it("each summary line is the command's own description", async () => {
    for (const [name, entry] of Object.entries(commandTable)) {
      const command = await entry.load()
      expect(command.meta, name).toMatchObject({ name, description: entry.description })
    }
  })

  const box = useSandbox()
  it("top-level help prints every command with its description", async () => {
    const result = await runCts(["--help"], { env: box.env })
    expect(result.code).toBe(0)
    for (const [name, entry] of Object.entries(commandTable))
      expect(result.stdout).toMatch(new RegExp(`${name}\\s+${entry.description.slice(0, 30).replace(/[()]/g, "\\$&")}`))
  })
})

describe("tool manifest (dist/tool-manifest.json) read by cts cap", () => {
  const box = useSandbox()

  it("the built manifest is what the registry computes now (a stale build fails here)", async () => {
    const manifest = await readToolManifest(distManifest)
    expect(manifest).not.toBeNull()
    expect(manifest).toEqual(JSON.parse(JSON.stringify(await buildToolManifest())))
  })

  it("gives the registry's capabilities, with the default timeout or a configured one", async () => {
    const manifest = (await readToolManifest(distManifest))!
    expect(JSON.parse(JSON.stringify(toolInfosOfManifest(manifest)))).toEqual(JSON.parse(JSON.stringify(await listToolInfos())))
    const custom = await listToolInfos({ defaultTimeoutMs: 1234 })
    expect(JSON.parse(JSON.stringify(toolInfosOfManifest(manifest, 1234)))).toEqual(JSON.parse(JSON.stringify(custom)))
    const ownless = { ...manifest, tools: [{ ...manifest.tools[0]!, defaultTimeoutMs: null }] }
    expect(toolInfosOfManifest(ownless, 1234)[0]!.defaultTimeoutMs).toBe(1234)
    expect(toolInfosOfManifest(ownless)[0]!.defaultTimeoutMs).toBe(manifest.defaultTimeoutMs)
  })

  it("cts cap --json (manifest, no effect import) prints exactly the registry's tools", async () => {
    const result = await runCts(["cap", "--json"], { env: box.env })
    expect(result.code, result.stderr).toBe(0)
    expect(json(result).tools).toEqual(JSON.parse(JSON.stringify(await listToolInfos())))
  })

  it("cts cap with CTS_DEFAULT_TIMEOUT_S goes through the core config", async () => {
    const result = await runCts(["cap", "--json"], { env: { ...box.env, CTS_DEFAULT_TIMEOUT_S: "7" } })
    expect(result.code, result.stderr).toBe(0)
    expect(json(result).tools).toEqual(JSON.parse(JSON.stringify(await listToolInfos({ defaultTimeoutMs: 7000 }))))
  })

  it("extra tool modules fall back to the full registry, so their tools appear", async () => {
    const extra = path.join(repoRoot, "tests/core/fixtures/test-tools.mjs")
    const ids = (await loadToolInfos({ extraToolModules: [extra] })).map(t => t.id)
    expect(ids).toContain("test-cpu-busy")
    expect(ids).toEqual((await listToolInfos({ extraToolModules: [extra] })).map(t => t.id))
  })

  it("cts cap, cts --help and cts version load neither effect nor SQLite (imports of them are made to fail)", async () => {
    const env = { ...box.env, NODE_OPTIONS: `--import ${pathToFileURL(path.join(repoRoot, "tests/cli/fixtures/block-effect.mjs")).href}` }
    const cap = await runCts(["cap"], { env })
    expect(cap.code, cap.stderr).toBe(0)
    expect(cap.stdout).toContain("rlog-to-csv")
    for (const args of [["--help"], ["version"]]) expect((await runCts(args, { env })).code).toBe(0)
    for (const args of [["--help"], ["version"]])
      expect((await runCts(args, { env: { ...env, BLOCK_MORE: "1" } })).code, `${args} without consola and smol-toml`).toBe(0)
    const run = await runCts(["runs", "list"], { env })
    expect(run.code).not.toBe(0)
    expect(run.stderr).toContain("blocked import of")
  })
})
