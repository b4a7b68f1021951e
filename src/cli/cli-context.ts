import { parseArgs } from "node:util"
import { type CliError, ExitCode, toCliError } from "./cli-error.js"
import type { CtsClient } from "../client/cts-client.js"
import { createOutput, type Output } from "./output.js"
import { resolveSettings, type CliSettings, type GlobalFlags } from "./settings.js"

/** Flags every command accepts (declared on each command so help shows them and values parse). */
export const globalArgs = {
  json: { type: "boolean", description: "Machine-readable JSON on stdout" },
  server: { type: "string", description: "Talk to a cts-lite server (env CTS_URL, config `server`)", valueHint: "URL" },
  token: { type: "string", description: "Bearer token for the server (env CTS_TOKEN, config `token`)", valueHint: "TOKEN" },
  embedded: { type: "boolean", description: "Run in-process even when a server is configured" }
} as const

/** The `<run>` positional of the commands that act on one run. */
export const runIdArg = {
  run: { type: "positional", description: "Run id", required: true }
} as const

/** Reads the global flags wherever they appear on the command line (before or after the command name). */
export const scanGlobalFlags = (argv: ReadonlyArray<string>): GlobalFlags => {
  const end = argv.indexOf("--")
  const { values } = parseArgs({
    args: end === -1 ? [...argv] : argv.slice(0, end),
    options: {
      json: { type: "boolean" },
      server: { type: "string" },
      token: { type: "string" },
      embedded: { type: "boolean" }
    },
    strict: false,
    allowPositionals: true
  })
  const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined)
  return { json: values.json === true, embedded: values.embedded === true, server: str(values.server), token: str(values.token) }
}

let globalFlags: GlobalFlags = {}
const openClients: Array<CtsClient> = []
let interruptHandler: (() => void) | null = null

/** Set once by the entry point. */
export const setGlobalFlags = (flags: GlobalFlags): void => {
  globalFlags = flags
}

/** Settings and output for the current invocation. */
export const commandEnv = async (): Promise<{ readonly settings: CliSettings; readonly out: Output }> => {
  const settings = await resolveSettings(globalFlags)
  return { settings, out: createOutput({ json: settings.json }) }
}

/** The client for the current settings: remote when a server is set, else the in-process core. */
export const openClient = async (settings: CliSettings): Promise<CtsClient> => {
  const client =
    settings.server === null
      ? await (await import("../client/embedded-client.js")).createEmbeddedClient()
      : (await import("../client/remote-client.js")).createRemoteClient({
          baseUrl: settings.server,
          token: settings.token,
          mapError: (await import("./api-error-exit.js")).cliErrorFromApi
        })
  openClients.push(client)
  return client
}

/** Settings, output and the client, for a command that checks nothing before it connects. */
export const commandClient = async (): Promise<{ readonly settings: CliSettings; readonly out: Output; readonly client: CtsClient }> => {
  const { settings, out } = await commandEnv()
  return { settings, out, client: await openClient(settings) }
}

/** Closes every client opened during this invocation. */
export const closeClients = async (): Promise<void> => {
  const clients = openClients.splice(0)
  await Promise.allSettled(clients.map(c => c.close()))
}

/** Replaces what Ctrl-C does while `handler` is installed; returns the uninstaller. */
export const onInterrupt = (handler: () => void): (() => void) => {
  interruptHandler = handler
  return () => {
    if (interruptHandler === handler) interruptHandler = null
  }
}

/** Resolves on the first stop request of a long-running command: Ctrl-C (`SIGINT`), or SIGTERM / SIGHUP (`SIGTERM`). */
export const stopSignal = (): Promise<"SIGINT" | "SIGTERM"> =>
  new Promise(resolve => {
    onInterrupt(() => resolve("SIGINT"))
    for (const signal of ["SIGTERM", "SIGHUP"] as const) process.once(signal, () => resolve("SIGTERM"))
  })

/** The current Ctrl-C handler, if a command installed one. */
export const currentInterruptHandler = (): (() => void) | null => interruptHandler

/** Records the exit code the process ends with. */
export const setExitCode = (code: ExitCode): void => {
  process.exitCode = code
}

/** Prints a CliError for people (stderr) or machines (`--json`, stdout) and sets the exit code. */
export const reportError = (error: unknown, json: boolean): ExitCode => {
  const e: CliError = toCliError(error)
  if (json) {
    process.stdout.write(JSON.stringify(e.toJSON(), null, 2) + "\n")
  } else {
    const out = createOutput({ json: false })
    out.log.error(`${e.message}${e.code ? out.paint.dim(` [${e.code}]`) : ""}`)
    if (e.suggestedAction) out.log.info(e.suggestedAction)
  }
  return e.exitCode ?? ExitCode.store
}
