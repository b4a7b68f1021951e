import { defineCommand } from "citty"
import { commandEnv, globalArgs, setExitCode, stopSignal } from "../cli-context.js"
import { backendArgs, backendsOf } from "../backend-args.js"
import { ExitCode, usageError } from "../cli-error.js"

/**
 * `cts worker`: a worker node until Ctrl-C (exit 130) or SIGTERM/SIGHUP (exit 0). It takes runs from the
 * shared queue (`--queue redis://…`) that servers submit to, and needs the same store and artifacts as they do.
 */
export const workerCommand = defineCommand({
  meta: { name: "worker", description: "Take runs from the shared queue and execute them (scale-out; settings as for serve)" },
  args: {
    ...backendArgs,
    concurrency: { type: "string", description: "Runs executed at once on this node (default: number of cores; CTS_CONCURRENCY)", valueHint: "N" },
    drain: {
      type: "string",
      description: "On SIGTERM, seconds to let running runs finish before they are interrupted (default 60; Ctrl-C does not wait)",
      valueHint: "S"
    },
    json: globalArgs.json
  },
  run: async ({ args }) => {
    const { out } = await commandEnv()
    const drainS = args.drain === undefined ? 60 : Number(args.drain)
    if (!Number.isFinite(drainS) || drainS < 0) throw usageError("invalid_drain", `--drain expects seconds ≥ 0, got "${args.drain}"`, "Pass e.g. --drain 120.")
    const stopRequested = stopSignal()
    const { startWorker } = await import("../../adapters/worker/start-worker.js")
    const worker = await startWorker({ flags: { ...backendsOf(args), concurrency: args.concurrency } })
    if (out.json) out.line(JSON.stringify({ worker: worker.name, queue: worker.queue, concurrency: worker.concurrency }))
    else out.log.success(`cts-lite worker ${worker.name} taking runs from ${worker.queue} (${worker.concurrency} at once); Ctrl-C stops it`)
    const signal = await stopRequested
    const running = await worker.running().catch(() => 0)
    const drainMs = signal === "SIGTERM" ? drainS * 1000 : 0
    if (!out.json) {
      if (running === 0) out.log.info("Stopping the worker…")
      else if (drainMs > 0) out.log.info(`Stopping the worker: no new runs; waiting up to ${drainS} s for ${running} running run(s)…`)
      else out.log.info(`Stopping the worker; ${running} running run(s) end interrupted…`)
    }
    await worker.close(drainMs)
    setExitCode(signal === "SIGINT" ? ExitCode.interrupted : ExitCode.ok)
  }
})
