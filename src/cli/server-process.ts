import { spawn } from "node:child_process"
import { SERVER_NODE_FLAGS } from "../adapters/http/server-node-flags.js"
import { onInterrupt } from "./cli-context.js"

/** Setting that keeps `cts serve` in the current process with Node's default (parallel) GC. */
export const KEEP_PROCESS_ENV = "CTS_SERVE_PARALLEL_GC"

/** Node's inspector options (`--inspect`, `--inspect-brk=…`, `--inspect-port`, `--inspect-wait`, `--debug-port`). */
const INSPECTOR_FLAG = /(^|\s)--(inspect(-brk|-wait|-port)?|debug-port)(=|\s|$)/

/**
 * Whether `cts serve` should start again under SERVER_NODE_FLAGS (V8 takes GC flags only at process
 * start). Not when CTS_SERVE_PARALLEL_GC=1, and not under the inspector (in the flags or NODE_OPTIONS):
 * a second process would try to bind the same debugger port, and the debugger would not see the server.
 */
export const needsServerFlags = (execArgv: ReadonlyArray<string> = process.execArgv, env: NodeJS.ProcessEnv = process.env): boolean =>
  env[KEEP_PROCESS_ENV] !== "1" &&
  !execArgv.some((flag) => INSPECTOR_FLAG.test(flag)) &&
  !INSPECTOR_FLAG.test(env.NODE_OPTIONS ?? "") &&
  SERVER_NODE_FLAGS.some((flag) => !execArgv.includes(flag))

/**
 * Runs this CLI invocation again in a child Node process started with SERVER_NODE_FLAGS, sharing
 * stdout/stderr, and resolves with its exit code. Ctrl-C and SIGTERM are passed on once (the child
 * is in its own process group, so a terminal's Ctrl-C reaches it only through this process); if
 * this process dies, the child sees its IPC channel close and shuts down as on SIGTERM.
 */
export const runWithServerFlags = (argv: ReadonlyArray<string>): Promise<number> =>
  new Promise((resolve, reject) => {
    const script = process.argv[1]!
    const child = spawn(process.execPath, [...process.execArgv, ...SERVER_NODE_FLAGS, script, ...argv], {
      stdio: ["inherit", "inherit", "inherit", "ipc"],
      detached: process.platform !== "win32"
    })
    const forwardTerm = () => child.kill("SIGTERM")
    const stopForwarding = onInterrupt(() => child.kill("SIGINT"))
    process.once("SIGTERM", forwardTerm)
    const stopAll = () => {
      stopForwarding()
      process.off("SIGTERM", forwardTerm)
    }
    child.once("error", (error) => {
      stopAll()
      reject(error)
    })
    child.once("exit", (code, signal) => {
      stopAll()
      resolve(code ?? 128 + (signal === "SIGINT" ? 2 : signal === "SIGKILL" ? 9 : 15))
    })
  })

/** In a child started by runWithServerFlags: shut down (as on SIGTERM) when the parent goes away. */
export const stopWithParent = (): void => {
  if (!process.send) return
  process.channel?.unref()
  process.once("disconnect", () => process.kill(process.pid, "SIGTERM"))
}
