import type { CommandDef } from "citty"

interface CommandEntry {
  /** The line the top-level `cts --help` shows (the command's own `meta.description`; a test keeps them equal). */
  readonly description: string
  /** Loads the command: a command line imports only the command it names. */
  readonly load: () => Promise<CommandDef<any>>
}

/** The `cts` commands: `cts --help` lists them from the descriptions here without loading any command module. */
export const commandTable: Readonly<Record<string, CommandEntry>> = {
  cap: {
    description: "List tools and monitors with their params, inputs and outputs",
    load: () => import("./commands/cap-command.js").then(m => m.capCommand)
  },
  run: {
    description: "Run a tool on a log (embedded runs wait; remote runs wait with --wait/--follow/--out-dir)",
    load: () => import("./commands/run-command.js").then(m => m.runCommand)
  },
  logs: {
    description: "Print a run's logs; --follow streams them live until the run ends (--json: one event per line)",
    load: () => import("./commands/logs-command.js").then(m => m.logsCommand)
  },
  runs: { description: "List, inspect and cancel runs", load: () => import("./commands/runs-command.js").then(m => m.runsCommand) },
  art: { description: "List and download artifacts", load: () => import("./commands/art-command.js").then(m => m.artCommand) },
  bundle: { description: "Download all of a run's artifacts as one ZIP", load: () => import("./commands/bundle-command.js").then(m => m.bundleCommand) },
  upload: { description: "Store a local file for later runs (prints its id)", load: () => import("./commands/upload-command.js").then(m => m.uploadCommand) },
  serve: {
    description: "Start the HTTP server (settings from CTS_* env and CTS_CONFIG_FILE; flags win)",
    load: () => import("./commands/serve-command.js").then(m => m.serveCommand)
  },
  worker: {
    description: "Take runs from the shared queue and execute them (scale-out; settings as for serve)",
    load: () => import("./commands/worker-command.js").then(m => m.workerCommand)
  },
  version: {
    description: "Print the version (and the server's, with --server)",
    load: () => import("./commands/version-command.js").then(m => m.versionCommand)
  },
  panda: { description: "Inspect the comma.ai panda on this machine's USB", load: () => import("./commands/panda-command.js").then(m => m.pandaCommand) },
  mon: { description: "Start, list, follow and stop monitors", load: () => import("./commands/mon-command.js").then(m => m.monCommand) }
}

/** The table as citty sub-commands: lazily loaded, or (for top-level help) reduced to name and description. */
export const subCommandsOf = (summaryOnly: boolean): Record<string, CommandDef<any> | (() => Promise<CommandDef<any>>)> =>
  Object.fromEntries(Object.entries(commandTable).map(([name, entry]) => [name, summaryOnly ? { meta: { name, description: entry.description } } : entry.load]))
