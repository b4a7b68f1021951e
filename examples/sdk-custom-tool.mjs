// Run a tool from a script with the SDK:  node examples/sdk-custom-tool.mjs [input] [outDir]
// Uses the built package (npm run build). Runs and artifacts are kept in CTS_DATA_DIR
// (default ~/.local/share/cts-lite); the artifacts are also written to outDir.
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { listTools, runTool } from "../dist/index.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const toolModule = path.join(here, "tools", "file-info-tool.mjs")
const input = process.argv[2] ?? path.join(here, "data", "subaru_cruise_demo.rlog.zst")
const outDir = process.argv[3] ?? mkdtempSync(path.join(tmpdir(), "cts-example-"))

const tools = await listTools({ extraToolModules: [toolModule] })
console.error(`tools: ${tools.map(t => t.id).join(", ")}`)

const controller = new AbortController()
process.once("SIGINT", () => controller.abort())

const result = await runTool("file-info", {
  input,
  params: { headBytes: 4 },
  outDir,
  signal: controller.signal,
  config: { extraToolModules: [toolModule] },
  onLog: event => console.error(`[${event.level}] ${event.message}`),
  onProgress: fraction => console.error(`progress ${(fraction * 100).toFixed(0)}%`)
})
console.log(JSON.stringify(result, null, 2))
process.exitCode = result.status === "completed" ? 0 : 1
