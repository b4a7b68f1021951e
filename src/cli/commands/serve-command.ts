import { defineCommand } from "citty"
import { commandEnv, globalArgs, setExitCode, stopSignal } from "../cli-context.js"
import { backendArgs, backendsOf } from "../backend-args.js"
import { ExitCode } from "../cli-error.js"
import { needsServerFlags, runWithServerFlags, stopWithParent } from "../server-process.js"

/**
 * `cts serve`: the HTTP adapter until Ctrl-C (exit 130) or SIGTERM/SIGHUP (exit 0). It runs in a child Node
 * process started with the server's GC flags (see server-process.ts) unless this one already has them
 * or CTS_SERVE_PARALLEL_GC=1.
 */
export const serveCommand = defineCommand({
  meta: { name: "serve", description: "Start the HTTP server (settings from CTS_* env and CTS_CONFIG_FILE; flags win)" },
  args: {
    host: { type: "string", description: "Interface to bind (default 127.0.0.1; CTS_HOST)", valueHint: "HOST" },
    port: { type: "string", description: "TCP port, 0 = any free port (default 8765; CTS_PORT)", valueHint: "PORT" },
    ...backendArgs,
    json: globalArgs.json
  },
  run: async ({ args }) => {
    const { out } = await commandEnv()
    if (needsServerFlags()) {
      setExitCode((await runWithServerFlags(process.argv.slice(2))) as ExitCode)
      return
    }
    const stopRequested = stopSignal()
    stopWithParent()
    const { startServer } = await import("../../adapters/http/start-server.js")
    const server = await startServer({ flags: { host: args.host, port: args.port, ...backendsOf(args) } })
    if (out.json) out.line(JSON.stringify({ url: server.url, preset: server.settings.preset }))
    else {
      out.line(server.url)
      out.log.success(`cts-lite server (${server.settings.preset}) listening on ${server.url}; Ctrl-C stops it`)
    }
    const signal = await stopRequested
    if (!out.json) out.log.info("Stopping the server…")
    await server.close()
    setExitCode(signal === "SIGINT" ? ExitCode.interrupted : ExitCode.ok)
  }
})
