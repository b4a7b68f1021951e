import { defineCommand } from "citty"
import { commandClient, globalArgs, onInterrupt, runIdArg, setExitCode } from "../cli-context.js"
import { ExitCode, usageError } from "../cli-error.js"
import { createLiveTableView, liveTablesEnabled } from "../live-table.js"
import { exitCodeForStatus, formatEvent } from "../present.js"

const PAGE = 1000

/** `cts logs <run> [--follow]`: a run's log (replayed, then live with --follow). */
export const logsCommand = defineCommand({
  meta: { name: "logs", description: "Print a run's logs; --follow streams them live until the run ends (--json: one event per line)" },
  args: {
    ...runIdArg,
    follow: { type: "boolean", alias: "f", description: "Keep streaming until the run ends; exits with the run's outcome" },
    after: { type: "string", description: "Only events after this sequence number", valueHint: "SEQ" },
    ...globalArgs
  },
  run: async ({ args }) => {
    const { out, client } = await commandClient()
    const after = args.after === undefined ? 0 : Number(args.after)
    if (!Number.isInteger(after) || after < 0) {
      throw usageError("invalid_after", `--after expects a sequence number, got "${args.after}"`, "Pass an integer >= 0.")
    }
    await client.getRun(args.run)
    const view = args.follow && liveTablesEnabled(out.json) ? createLiveTableView(out.paint) : null
    const show = (event: Parameters<typeof formatEvent>[0]): void => {
      if (view) view.event(event, true)
      else if (out.json) out.line(JSON.stringify(event))
      else {
        const text = formatEvent(event, out.paint)
        if (text !== null) out.line(text)
      }
    }
    if (!args.follow) {
      let cursor = after
      for (;;) {
        const page = await client.readEvents(args.run, cursor, PAGE)
        for (const event of page) show(event)
        if (page.length < PAGE) break
        cursor = page[page.length - 1]!.seq
      }
      return
    }
    const abort = new AbortController()
    let interrupted = false
    const uninstall = onInterrupt(() => {
      interrupted = true
      abort.abort()
    })
    let final: Parameters<typeof exitCodeForStatus>[0] | null = null
    try {
      for await (const event of client.followEvents(args.run, after, abort.signal)) {
        show(event)
        if (event.type === "end") final = event.status
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error
    } finally {
      view?.stop()
      uninstall()
    }
    if (interrupted) {
      out.log.info(`Stopped following run ${args.run}; it was not canceled.`)
      setExitCode(ExitCode.interrupted)
      return
    }
    setExitCode(final === null ? exitCodeForStatus((await client.getRun(args.run)).status) : exitCodeForStatus(final))
  }
})
