// Runs the tool in this folder through the SDK:  node run.mjs <rlog> [outDir]
// Prints the run result (status, summary, artifacts) as JSON.
import path from "node:path"
import { fileURLToPath } from "node:url"
import { runTool } from "cts-lite"

const here = path.dirname(fileURLToPath(import.meta.url))
const [input, outDir] = process.argv.slice(2)
if (!input) throw new Error("usage: node run.mjs <rlog> [outDir]")
const result = await runTool("can-frame-counts", {
  input,
  params: { min_frames: 1 },
  ...(outDir ? { outDir } : {}),
  config: { extraToolModules: [path.join(here, "tool.mjs")] }
})
console.log(JSON.stringify(result, null, 2))
process.exitCode = result.status === "completed" ? 0 : 1
