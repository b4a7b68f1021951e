import { resolve } from "node:path"
import { stat } from "node:fs/promises"
import { defineCommand } from "citty"
import { commandEnv, globalArgs, openClient, runIdArg } from "../cli-context.js"
import { usageError } from "../cli-error.js"
import { writeFileSafely } from "../files.js"
import { formatBytes } from "../output.js"

/** `cts bundle <run> --out FILE.zip`: every artifact of a run in one ZIP. */
export const bundleCommand = defineCommand({
  meta: { name: "bundle", description: "Download all of a run's artifacts as one ZIP" },
  args: {
    ...runIdArg,
    out: { type: "string", description: "ZIP file to write", valueHint: "FILE.zip", required: true },
    force: { type: "boolean", description: "Overwrite an existing file" },
    ...globalArgs
  },
  run: async ({ args }) => {
    const { settings, out } = await commandEnv()
    if (!args.out) throw usageError("missing_out", "bundle needs --out FILE.zip", "Add --out run.zip.")
    const client = await openClient(settings)
    await client.getRun(args.run)
    const target = resolve(args.out)
    const download = await client.bundle(args.run)
    await writeFileSafely(target, download.body, args.force === true)
    const size = (await stat(target)).size
    if (out.json) out.printJson({ run: args.run, path: target, size })
    else out.log.success(`Saved bundle of run ${args.run} (${formatBytes(size)}) to ${target}`)
  }
})
