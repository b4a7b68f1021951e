import { defineCommand } from "citty"
import { commandEnv, globalArgs, openClient } from "../cli-context.js"
import { cliPackage } from "../cli-version.js"

/** `cts version`: the CLI's version, and the server's in remote mode. */
export const versionCommand = defineCommand({
  meta: { name: "version", description: "Print the version (and the server's, with --server)" },
  args: { ...globalArgs },
  run: async () => {
    const { settings, out } = await commandEnv()
    const cli = { ...cliPackage(), node: process.versions.node }
    const server = settings.server === null ? null : await (await openClient(settings)).version()
    if (out.json) {
      out.printJson({ cli, server })
      return
    }
    out.line(`${cli.name} ${cli.version} (node ${cli.node})`)
    if (server) out.line(`server ${settings.server}: ${String(server.name ?? "cts-lite")} ${String(server.version ?? "")}`)
  }
})
