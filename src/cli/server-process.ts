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
  !execArgv.some(flag => INSPECTOR_FLAG.test(flag)) &&
  !INSPECTOR_FLAG.test(env.NODE_OPTIONS ?? "") &&
  SERVER_NODE_FLAGS.some(flag => !execArgv.includes(flag))

/** Set in the child's environment: the pid of the `cts` process that started it. */
const PARENT_PID_ENV = "CTS_SERVE_PARENT_PID"

/** Signals a process manager may send the first process; each reaches the child as a graceful stop. */
const FORWARDED: ReadonlyArray<NodeJS.Signals> = ["SIGTERM", "SIGHUP"]

/**
 * Runs this CLI invocation again in a child Node process started with SERVER_NODE_FLAGS, sharing
 * stdout/stderr, and resolves with its exit code. Ctrl-C (SIGINT) is passed on as SIGINT, SIGTERM and
 * SIGHUP as SIGTERM (the child is in its own process group, so a terminal's Ctrl-C or a process
 * manager's signal reaches it only through this process); this process exits when the child does.
 * If this process dies without passing anything on (SIGKILL), the child notices (see stopWithParent).
 */
export const runWithServerFlags = (argv: ReadonlyArray<string>): Promise<number> =>
  new Promise((resolve, reject) => {
    const script = process.argv[1]!
    const child = spawn(process.execPath, [...process.execArgv, ...SERVER_NODE_FLAGS, script, ...argv], {
      stdio: ["inherit", "inherit", "inherit", "ipc"],
      env: { ...process.env, [PARENT_PID_ENV]: String(process.pid) },
      detached: process.platform !== "win32"
    })
    const forwardTerm = () => child.kill("SIGTERM")
    const stopForwarding = onInterrupt(() => child.kill("SIGINT"))
    for (const signal of FORWARDED) process.on(signal, forwardTerm)
    const stopAll = () => {
      stopForwarding()
      for (const signal of FORWARDED) process.off(signal, forwardTerm)
    }
    child.once("error", error => {
      stopAll()
      reject(error)
    })
    child.once("exit", (code, signal) => {
      stopAll()
      resolve(code ?? 128 + (signal === "SIGINT" ? 2 : signal === "SIGKILL" ? 9 : 15))
    })
  })

/** How often a child started by runWithServerFlags checks that its parent is still there. */
export const PARENT_CHECK_MS = 500

/**
 * In a child started by runWithServerFlags: shut down (as on SIGTERM) when the parent goes away —
 * its IPC channel closes, or this process is re-parented (the parent's pid is no longer our ppid).
 * Both are checked when this is installed too, so a parent killed while the child was starting is seen.
 */
export const stopWithParent = (): void => {
  if (!process.send) return
  const expected = Number(process.env[PARENT_PID_ENV])
  delete process.env[PARENT_PID_ENV]
  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    clearInterval(watch)
    process.kill(process.pid, "SIGTERM")
  }
  const orphaned = () => !process.connected || (Number.isInteger(expected) && expected > 0 && process.ppid !== expected)
  const watch = setInterval(() => orphaned() && stop(), PARENT_CHECK_MS).unref()
  process.channel?.unref()
  process.once("disconnect", stop)
  if (orphaned()) setImmediate(stop)
}
