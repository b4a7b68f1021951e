import { defineCommand } from "citty"
import type { RunStatus } from "../../core/executor/executor.js"
import { commandClient, commandEnv, globalArgs, openClient, runIdArg } from "../cli-context.js"
import { runJson } from "../run-json.js"
import { usageError } from "../cli-error.js"
import { paintStatus, printRunDetails, printRunTable } from "../present.js"

const statuses: ReadonlyArray<RunStatus> = ["queued", "running", "completed", "failed", "canceled"]

const listCommand = defineCommand({
  meta: { name: "list", description: "List runs, newest first" },
  args: {
    status: { type: "string", description: `Only runs in this status (${statuses.join("|")})`, valueHint: "S" },
    tool: { type: "string", description: "Only runs of this tool", valueHint: "T" },
    limit: { type: "string", description: "At most this many runs (default 50)", valueHint: "N" },
    cursor: { type: "string", description: "Continue a previous listing (its next cursor)", valueHint: "C" },
    ...globalArgs
  },
  run: async ({ args }) => {
    const { settings, out } = await commandEnv()
    if (args.status !== undefined && !statuses.includes(args.status as RunStatus)) {
      throw usageError("invalid_status", `Unknown status "${args.status}"`, `Use one of: ${statuses.join(", ")}.`)
    }
    const limit = args.limit === undefined ? 50 : Number(args.limit)
    if (!Number.isInteger(limit) || limit < 1)
      throw usageError("invalid_limit", `--limit expects a positive integer, got "${args.limit}"`, "Pass e.g. --limit 20.")
    const client = await openClient(settings)
    const page = await client.listRuns({
      ...(args.status !== undefined ? { status: args.status as RunStatus } : {}),
      ...(args.tool !== undefined ? { toolId: args.tool } : {}),
      limit,
      ...(args.cursor !== undefined ? { cursor: args.cursor } : {})
    })
    if (out.json) {
      out.printJson({ ...page, items: page.items.map(runJson) })
      return
    }
    if (page.items.length === 0) out.log.info("No runs.")
    else printRunTable(out, page.items)
    if (page.nextCursor) out.log.info(`More runs: cts runs list --cursor ${page.nextCursor}`)
  }
})

const getCommand = defineCommand({
  meta: { name: "get", description: "Show one run: status, timings, params, inputs, error, summary, artifacts" },
  args: { ...runIdArg, ...globalArgs },
  run: async ({ args }) => {
    const { out, client } = await commandClient()
    const run = await client.getRun(args.run)
    if (out.json) out.printJson(runJson(run))
    else printRunDetails(out, run)
  }
})

const cancelCommand = defineCommand({
  meta: { name: "cancel", description: "Cancel a queued or running run (says what happened)" },
  args: { ...runIdArg, ...globalArgs },
  run: async ({ args }) => {
    const { out, client } = await commandClient()
    const result = await client.cancel(args.run)
    if (out.json) {
      out.printJson({ ...result, run: runJson(result.run) })
      return
    }
    if (result.outcome === "canceled") out.log.success(`Run ${args.run} canceled (status ${paintStatus(result.run.status, out.paint)}).`)
    else out.log.info(`Run ${args.run} had already finished: ${paintStatus(result.run.status, out.paint)}. Nothing to cancel.`)
  }
})

/** `cts runs list|get|cancel`. */
export const runsCommand = defineCommand({
  meta: { name: "runs", description: "List, inspect and cancel runs" },
  subCommands: { list: listCommand, get: getCommand, cancel: cancelCommand }
})
