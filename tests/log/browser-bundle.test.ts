import { readFileSync } from "node:fs"
import path from "node:path"
import vm from "node:vm"
import { build } from "esbuild"
import { describe, expect, it } from "vitest"
import { oracleRows } from "../support/oracle.js"
import { repoRoot, rlogPath } from "../support/shared-data.js"
import { firstDifference } from "./helpers.js"

/** `src/log.ts` bundled for browsers with nothing external: esbuild fails on any Node built-in it meets. */
const bundleForBrowser = async () =>
  build({
    entryPoints: [path.join(repoRoot, "src/log.ts")],
    bundle: true,
    platform: "browser",
    format: "iife",
    globalName: "ctsLog",
    write: false,
    metafile: true,
    logLevel: "silent"
  })

// Decodes inside the vm context with the bundle's own openLog; rows formatted as the oracles'.
const decodeScript = `
(async () => {
  const bytes = new Uint8Array(input)
  const reader = ctsLog.openLog((async function* () { for (let i = 0; i < bytes.length; i += 65536) yield bytes.subarray(i, i + 65536) })())
  const rows = []
  const hex = (d) => Array.from(d, (b) => b.toString(16).toUpperCase().padStart(2, "0")).join("")
  for await (const batch of reader.frames()) for (const f of batch) rows.push(f.timeNs + "," + f.src + ",0x" + f.address.toString(16).toUpperCase() + "," + hex(f.data))
  return { rows, compression: reader.stats.compression, hasProcess: typeof process !== "undefined" }
})()`

describe("cts-lite/log in a browser", () => {
  it("bundles with platform browser and no externals: no Node built-in is imported", async () => {
    const result = await bundleForBrowser()
    expect(result.errors).toEqual([])
    const imports = Object.values(result.metafile.inputs).flatMap(i => i.imports.map(x => x.path))
    expect(imports.filter(p => p.startsWith("node:") || /^(fs|path|url|stream|zlib|os|crypto)$/.test(p))).toEqual([])
    expect(Object.keys(result.metafile.inputs).filter(f => f.includes("node-file-source") || f.includes("bundled-dbc"))).toEqual([])
  })

  for (const file of ["rav4_seg40.rlog.zst", "rav4_seg40.rlog.bz2"]) {
    it(`the bundle decodes ${file} in a context without Node globals, frame for frame as the oracle`, async () => {
      const code = (await bundleForBrowser()).outputFiles[0]!.text
      const context = vm.createContext({
        TextDecoder,
        TextEncoder,
        console,
        queueMicrotask,
        setTimeout,
        clearTimeout,
        input: readFileSync(rlogPath(file)).buffer
      })
      vm.runInContext(code, context)
      const out = (await vm.runInContext(decodeScript, context)) as { rows: Array<string>; compression: string; hasProcess: boolean }
      expect(out.hasProcess).toBe(false)
      expect(out.compression).toBe(file.endsWith(".zst") ? "zstd" : "bz2")
      const expected = oracleRows("rav4_seg40.frames.csv")
      expect(out.rows.length).toBe(expected.length)
      expect(firstDifference(out.rows, expected)).toBe(-1)
    })
  }
})
