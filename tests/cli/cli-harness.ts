import { spawn, type ChildProcess } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, beforeAll } from "vitest"
import { repoRoot } from "../support/shared-data.js"

export const binPath = path.join(repoRoot, "bin/cts.mjs")

/** The CLI tests run the built package; fail loudly (not silently skip) when it is missing. */
export const assertBuilt = (): void => {
  if (!existsSync(path.join(repoRoot, "dist/cli.js")) || !existsSync(path.join(repoRoot, "dist/worker.js"))) {
    throw new Error("dist/cli.js or dist/worker.js is missing: run `npx tsup` (or `npm run build`) before the CLI tests")
  }
}

export interface CtsResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** A private HOME, XDG config dir and data dir, with no CTS_* variables inherited. */
export interface Sandbox {
  readonly dir: string
  readonly env: NodeJS.ProcessEnv
  readonly cleanup: () => Promise<void>
}

export const createSandbox = async (): Promise<Sandbox> => {
  const dir = await mkdtemp(path.join(tmpdir(), "cts-cli-"))
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("CTS_") && k !== "NO_COLOR" && k !== "FORCE_COLOR") env[k] = v
  Object.assign(env, {
    HOME: dir,
    XDG_CONFIG_HOME: path.join(dir, "config"),
    XDG_DATA_HOME: path.join(dir, "xdg-data"),
    CTS_DATA_DIR: path.join(dir, "data"),
    CTS_CONCURRENCY: "2"
  })
  return { dir, env, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** A sandbox for the enclosing `describe`: made (after checking the build) before its tests, removed after them. */
export const useSandbox = (): Sandbox => {
  const box = {} as { -readonly [K in keyof Sandbox]: Sandbox[K] }
  beforeAll(async () => {
    assertBuilt()
    Object.assign(box, await createSandbox())
  })
  afterAll(async () => box.cleanup?.())
  return box
}

/** Starts `node bin/cts.mjs …` as a real process. */
export const spawnCts = (args: ReadonlyArray<string>, options: { readonly env: NodeJS.ProcessEnv; readonly cwd?: string }): ChildProcess =>
  spawn(process.execPath, [binPath, ...args], { env: options.env, cwd: options.cwd ?? repoRoot, stdio: ["ignore", "pipe", "pipe"] })

/** Collects a child's output and exit. */
export const finished = (child: ChildProcess): Promise<CtsResult> =>
  new Promise((resolve, reject) => {
    let stdout = ""
    let stderr = ""
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d))
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d))
    child.on("error", reject)
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  })

/** Runs `cts …` to completion. */
export const runCts = (args: ReadonlyArray<string>, options: { readonly env: NodeJS.ProcessEnv; readonly cwd?: string }): Promise<CtsResult> =>
  finished(spawnCts(args, options))

/** Parses stdout of a `--json` invocation, with the whole output in the error when it is not JSON. */
export const json = <T = any>(result: CtsResult): T => {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n--- stderr:\n${result.stderr}`)
  }
}

/** Resolves when `child`'s stream has printed text matching `pattern`; returns the match. */
export const waitForOutput = (child: ChildProcess, stream: "stdout" | "stderr", pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> =>
  new Promise((resolve, reject) => {
    let seen = ""
    let other = ""
    const source = child[stream]!
    const otherSource = child[stream === "stdout" ? "stderr" : "stdout"]!
    const onOther = (d: Buffer | string) => void (other += d.toString())
    const stopListening = () => {
      clearTimeout(timer)
      source.off("data", onData)
      otherSource.off("data", onOther)
    }
    const fail = (why: string) => {
      stopListening()
      reject(new Error(`${why} waiting for ${pattern} on ${stream}; saw:\n${seen}\n--- other stream:\n${other}`))
    }
    const timer = setTimeout(() => fail("timed out"), timeoutMs)
    const onData = (d: Buffer | string) => {
      seen += d.toString()
      const m = pattern.exec(seen)
      if (m) {
        stopListening()
        resolve(m)
      }
    }
    source.on("data", onData)
    otherSource.on("data", onOther)
    child.once("close", code => fail(`process ended (exit ${code})`))
  })

/** A `cts serve --port 0` child on 127.0.0.1 and its URL. */
export interface TestServer {
  readonly url: string
  readonly child: ChildProcess
  /** SIGTERM, then the exit code (null when it had already ended). */
  readonly stop: () => Promise<number | null>
}

export const startServe = async (env: NodeJS.ProcessEnv, extraArgs: ReadonlyArray<string> = []): Promise<TestServer> => {
  const child = spawn(process.execPath, [binPath, "serve", "--host", "127.0.0.1", "--port", "0", ...extraArgs], {
    env,
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"]
  })
  const match = await waitForOutput(child, "stdout", /(http:\/\/127\.0\.0\.1:\d+)/)
  return {
    url: match[1]!,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return null
      const closed = new Promise<number | null>(resolve => child.once("close", code => resolve(code)))
      child.kill("SIGTERM")
      return closed
    }
  }
}
