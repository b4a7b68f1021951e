import { defineCommand, renderUsage, runCommand, type CommandDef } from "citty"
import { closeClients, currentInterruptHandler, globalArgs, reportError, scanGlobalFlags, setGlobalFlags } from "./cli-context.js"
import { ExitCode, usageError } from "./cli-error.js"
import { checkUnknownFlags, resolveCommand } from "./command-tree.js"
import { cliPackage } from "./cli-version.js"
import { subCommandsOf } from "./command-table.js"
import { prestartRunWorker } from "./run-prestart.js"

/** The `cts` command tree. */
export const ctsCommand = defineCommand({
  meta: {
    name: "cts",
    version: cliPackage().version,
    description: "openpilot log and CAN analysis: runs tools in-process, or on a server with --server URL"
  },
  args: globalArgs,
  subCommands: subCommandsOf(false)
})

/** The top-level command with each sub-command reduced to its summary line: `cts --help` loads no command module. */
const summaryCommand = (): CommandDef<any> => ({
  ...ctsCommand,
  subCommands: subCommandsOf(true)
})

const usageOf = async (path: ReadonlyArray<string>, command: CommandDef<any>): Promise<string> => {
  if (command === ctsCommand) return renderUsage(summaryCommand())
  const parent = path.length > 1 ? defineCommand({ meta: { name: path.slice(0, -1).join(" ") } }) : undefined
  return renderUsage(command, parent as CommandDef<any> | undefined)
}

let interrupts = 0
const onSigint = (): void => {
  interrupts++
  const handler = currentInterruptHandler()
  if (handler && interrupts === 1) handler()
  else {
    void closeClients().finally(() => process.exit(ExitCode.interrupted))
    setTimeout(() => process.exit(ExitCode.interrupted), 2000).unref()
  }
}

/** Runs `cts` with `argv` (without node and script); resolves to the exit code. */
export const runCli = async (argv: ReadonlyArray<string>): Promise<number> => {
  const flags = scanGlobalFlags(argv)
  setGlobalFlags(flags)
  const help = argv.includes("--help") || argv.includes("-h")
  // Before the command's module loads: the run's worker loads its tool on the other core meanwhile.
  if (!help) void prestartRunWorker(argv, flags)
  const target = await resolveCommand(ctsCommand, argv)
  if (help) {
    process.stdout.write((await usageOf(target.path, target.command)) + "\n")
    return ExitCode.ok
  }
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
    process.stdout.write(`${cliPackage().version}\n`)
    return ExitCode.ok
  }
  process.on("SIGINT", onSigint)
  try {
    if (target.path.length === 1 || (target.command.subCommands && !target.command.run)) {
      const first = target.rawArgs.find(a => !a.startsWith("-"))
      const names = Object.keys((target.command.subCommands ?? {}) as Record<string, unknown>)
      if (first === undefined) process.stderr.write((await usageOf(target.path, target.command)) + "\n\n")
      throw first === undefined
        ? usageError("no_command", `${target.path.join(" ")} needs a command`, `See ${target.path.join(" ")} --help.`)
        : usageError(
            "unknown_command",
            `Unknown command "${first}" for ${target.path.join(" ")}`,
            `Commands: ${names.join(", ")}. See ${target.path.join(" ")} --help.`
          )
    }
    checkUnknownFlags(target)
    await runCommand(ctsCommand, { rawArgs: [...argv] })
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok
  } catch (error) {
    if (error instanceof Error && error.name === "CLIError") {
      return reportError(usageError("usage", error.message.replace(/\u001B\[[0-9;]*m/g, ""), `See ${target.path.join(" ")} --help.`), flags.json === true)
    }
    return reportError(error, flags.json === true)
  } finally {
    await closeClients()
  }
}

process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok)
  throw error
})
const exitCode = await runCli(process.argv.slice(2))
await new Promise<void>(resolve => process.stdout.write("", () => resolve()))
process.exit(exitCode)
