import { stat } from "node:fs/promises"
import { resolve } from "node:path"
import { defineCommand } from "citty"
import { commandEnv, globalArgs, openClient } from "../cli-context.js"
import { usageError } from "../cli-error.js"
import { formatBytes } from "../output.js"

/** `cts upload FILE`: stores a file; its id is a run input (`cts run <tool> --artifact ID`). */
export const uploadCommand = defineCommand({
  meta: { name: "upload", description: "Store a local file for later runs (prints its id)" },
  args: { file: { type: "positional", description: "File to upload", required: true }, ...globalArgs },
  run: async ({ args }) => {
    const { settings, out } = await commandEnv()
    const file = resolve(args.file)
    const info = await stat(file).catch(() => null)
    if (info === null) throw usageError("input_not_found", `Upload file not found: ${args.file}`, "Check the path.", { path: args.file })
    if (!info.isFile()) throw usageError("input_not_a_file", `Upload file is not a file: ${args.file}`, "Pass a file, not a directory.", { path: args.file })
    const client = await openClient(settings)
    const meta = await client.upload(file)
    if (out.json) {
      out.printJson(meta)
      return
    }
    out.line(meta.id)
    out.log.success(`Uploaded ${meta.name} (${formatBytes(meta.size)}, sha256 ${meta.sha256.slice(0, 12)}). Use it with: cts run <tool> --artifact ${meta.id}`)
  }
})
