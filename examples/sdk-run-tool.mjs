// Convert an rlog's CAN frames to CSV with the SDK:  node examples/sdk-run-tool.mjs [rlog…] [--out DIR]
// Uses the built package (npm run build). Several rlogs are read in order as one route.
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { ValidationError, runTool } from "../dist/index.js"

const args = process.argv.slice(2)
const outAt = args.indexOf("--out")
const outDir = outAt >= 0 ? args.splice(outAt, 2)[1] : mkdtempSync(path.join(tmpdir(), "cts-rlog-"))
const inputs = args.length > 0 ? args : [path.join(path.dirname(fileURLToPath(import.meta.url)), "data", "subaru_cruise_demo.rlog.zst")]

const controller = new AbortController()
process.once("SIGINT", () => controller.abort())

try {
  const result = await runTool("rlog-to-csv", {
    input: inputs,
    params: { format: "old-tools" },
    outDir,
    signal: controller.signal,
    onLog: event => console.error(`[${event.level}] ${event.message}`)
  })
  console.log(JSON.stringify(result, null, 2))
  process.exitCode = result.status === "completed" ? 0 : 1
} catch (error) {
  if (!(error instanceof ValidationError)) throw error
  console.error(`${error.code}: ${error.message}${error.suggestedAction ? `\n${error.suggestedAction}` : ""}`)
  process.exitCode = 2
}
