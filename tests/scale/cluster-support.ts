import { spawn, type ChildProcess } from "node:child_process"
import { existsSync } from "node:fs"
import { createServer } from "node:net"
import { spawnCts, waitForOutput } from "../cli/cli-harness.js"

/** Debian's Redis server (installed by `scripts/test-services.sh`, which `.ci/run` runs). */
export const REDIS_SERVER = "/usr/bin/redis-server"
export const hasRedisServer = existsSync(REDIS_SERVER)

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

/** A private throwaway Redis on loopback (no persistence), which a test may restart. */
export interface PrivateRedis {
  readonly url: string
  /** Kills the server (SIGKILL). */
  readonly kill: () => Promise<void>
  /** Starts a new server on the same port (the old one's data is gone: tests restart it while idle). */
  readonly start: () => Promise<void>
  readonly stop: () => Promise<void>
}

const launch = async (port: number): Promise<ChildProcess> => {
  const child = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"]
  })
  await waitForOutput(child, "stdout", /Ready to accept connections/, 15_000)
  return child
}

const kill = (child: ChildProcess) =>
  new Promise<void>(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGKILL")
  })

export const startPrivateRedis = async (): Promise<PrivateRedis> => {
  const port = await freePort()
  let child = await launch(port)
  return {
    url: `redis://127.0.0.1:${port}`,
    kill: () => kill(child),
    start: async () => {
      child = await launch(port)
    },
    stop: () => kill(child)
  }
}

/** A `cts worker` child process. */
export interface TestWorker {
  readonly child: ChildProcess
  readonly pid: number
  readonly stop: () => Promise<void>
}

/** Starts `cts worker --json` and waits for its start line. */
export const startWorkerProcess = async (env: NodeJS.ProcessEnv): Promise<TestWorker> => {
  const child = spawnCts(["worker", "--json"], { env })
  await waitForOutput(child, "stdout", /"worker":/, 60_000)
  return {
    child,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const closed = new Promise<void>(resolve => child.once("close", () => resolve()))
      child.kill("SIGTERM")
      await closed
    }
  }
}

/** Polls `probe` every 100 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export const eventually = async <A>(what: string, probe: () => Promise<A | undefined>, timeoutMs = 60_000): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `; last error: ${String(last)}` : ""}`)
    await new Promise(r => setTimeout(r, 100))
  }
}
