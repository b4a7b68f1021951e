import { resolve } from "node:path"
import { pipeline } from "node:stream/promises"
import { Readable } from "node:stream"
import { defineCommand } from "citty"
import { commandClient, commandEnv, globalArgs, openClient, runIdArg } from "../cli-context.js"
import { usageError } from "../cli-error.js"
import { safeFileName, writeFileSafely } from "../files.js"
import { formatBytes } from "../output.js"
import { printArtifactTable } from "../present.js"

const listCommand = defineCommand({
  meta: { name: "list", description: "List a run's artifacts" },
  args: { ...runIdArg, ...globalArgs },
  run: async ({ args }) => {
    const { out, client } = await commandClient()
    const artifacts = await client.listArtifacts(args.run)
    if (out.json) out.printJson({ items: artifacts })
    else if (artifacts.length === 0) out.log.info(`Run ${args.run} has no artifacts.`)
    else printArtifactTable(out, artifacts)
  }
})

const getCommand = defineCommand({
  meta: { name: "get", description: "Download an artifact (to ./<its name> unless --out or --stdout)" },
  args: {
    artifact: { type: "positional", description: "Artifact id", required: true },
    out: { type: "string", description: "Write it to this path", valueHint: "PATH" },
    stdout: { type: "boolean", description: "Write the bytes to stdout" },
    force: { type: "boolean", description: "Overwrite an existing file" },
    ...globalArgs
  },
  run: async ({ args }) => {
    const { settings, out } = await commandEnv()
    if (args.out !== undefined && args.stdout) throw usageError("conflicting_outputs", "Give --out or --stdout, not both", "Choose one destination.")
    const client = await openClient(settings)
    const meta = await client.getArtifact(args.artifact)
    const download = await client.downloadArtifact(args.artifact)
    if (args.stdout) {
      await pipeline(Readable.from(download.body), process.stdout, { end: false })
      return
    }
    const target = resolve(args.out ?? safeFileName(meta.name, "artifact"))
    await writeFileSafely(target, download.body, args.force === true)
    if (out.json) out.printJson({ artifact: meta, path: target })
    else out.log.success(`Saved ${meta.name} (${formatBytes(meta.size)}) to ${target}`)
  }
})

/** `cts art list|get`. */
export const artCommand = defineCommand({
  meta: { name: "art", description: "List and download artifacts" },
  subCommands: { list: listCommand, get: getCommand }
})
