import { writeFile } from "node:fs/promises"
import { buildToolManifest } from "../core/registry/build-tool-manifest.js"
import { TOOL_MANIFEST_FILE } from "../core/registry/tool-manifest.js"

// Run by the build (tsup onSuccess) from dist/: writes dist/tool-manifest.json, which `cts cap` reads.
const target = new URL(`./${TOOL_MANIFEST_FILE}`, import.meta.url)
await writeFile(target, JSON.stringify(await buildToolManifest(), null, 2) + "\n")
