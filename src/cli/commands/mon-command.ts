import { defineCommand, runCommand as runCitty } from "citty"
import { commandClient, globalArgs, runIdArg } from "../cli-context.js"
import { usageError } from "../cli-error.js"
import { printRunTable } from "../present.js"
import { readStringFlags } from "../repeated-flags.js"
import { logsCommand } from "./logs-command.js"
import { runCommand } from "./run-command.js"
import { runsCommand } from "./runs-command.js"

const startCommand = defineCommand({
  meta: { name: "start", description: "Start a monitor on a panda (--panda), a simulated panda (--simulate FILE) or a recorded log (--path FILE)" },
  args: {
    monitor: { type: "positional", description: "Monitor id (can-bus-check, can-capture…; see cts cap)", required: true },
    panda: { type: "string", description: 'Read the panda with this serial ("" or omitted with no other source: the first panda)', valueHint: "SERIAL" },
    simulate: { type: "string", description: "Replay this rlog through a simulated panda", valueHint: "FILE" },
    path: { type: "string", description: "Read this recorded rlog directly", valueHint: "FILE" },
    param: { type: "string", alias: "p", description: "Monitor param (repeatable), e.g. -p window_s=2", valueHint: "key=value" },
    duration: { type: "string", description: "Stop after this many seconds of CAN time", valueHint: "S" },
    follow: { type: "boolean", description: "Stream the monitor's events until it ends" },
    "out-dir": { type: "string", description: "Download the results here when the monitor ends", valueHint: "DIR" },
    name: { type: "string", description: "A name for the run", valueHint: "N" },
    ...globalArgs
  },
  run: async ({ args, rawArgs }) => {
    const sources = [args.panda !== undefined, args.simulate !== undefined, args.path !== undefined].filter(Boolean).length
    if (sources > 1) throw usageError("conflicting_inputs", "Give only one of --panda, --simulate and --path", "Choose one source.")
    const params = readStringFlags(rawArgs, { param: { short: "p", repeatable: true } }).param.flatMap(p => ["-p", p])
    const source =
      args.simulate !== undefined
        ? ["--path", args.simulate, "-p", "source=simulate"]
        : args.path !== undefined
          ? ["--path", args.path, "-p", "source=log"]
          : ["-p", "source=panda", ...(args.panda ? ["-p", `serial=${args.panda}`] : [])]
    const passed = (["follow", "json", "embedded"] as const).filter(k => args[k] === true).map(k => `--${k}`)
    for (const k of ["out-dir", "name", "server", "token"] as const) if (args[k] !== undefined) passed.push(`--${k}`, String(args[k]))
    if (args.duration !== undefined) params.push("-p", `duration_s=${args.duration}`)
    await runCitty(runCommand, { rawArgs: [args.monitor, ...source, ...params, ...passed] })
  }
})

const lsCommand = defineCommand({
  meta: { name: "ls", description: "List monitor runs, newest first" },
  args: { ...globalArgs },
  run: async () => {
    const { out, client } = await commandClient()
    const monitors = new Set((await client.capabilities()).filter(t => t.category === "monitor").map(t => t.id))
    const items = (await client.listRuns({ limit: 200 })).items.filter(r => monitors.has(r.toolId))
    if (out.json) return out.printJson({ items })
    if (items.length === 0) out.log.info("No monitor runs.")
    else printRunTable(out, items)
  }
})

const followCommand = defineCommand({
  meta: { name: "follow", description: "Stream a monitor's events until it ends" },
  args: { ...runIdArg, ...globalArgs },
  run: ({ rawArgs }) => runCitty(logsCommand, { rawArgs: [...rawArgs, "--follow"] })
})

const stopCommand = defineCommand({
  meta: { name: "stop", description: "Stop a running monitor (its finished results are kept)" },
  args: { ...runIdArg, ...globalArgs },
  run: ({ rawArgs }) => runCitty(runsCommand, { rawArgs: ["cancel", ...rawArgs] })
})

/** `cts mon start|ls|follow|stop`: live monitors, as runs of the monitor tools. */
export const monCommand = defineCommand({
  meta: { name: "mon", description: "Start, list, follow and stop monitors" },
  subCommands: { start: startCommand, ls: lsCommand, follow: followCommand, stop: stopCommand }
})
