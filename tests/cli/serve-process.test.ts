import { spawn } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { createServer } from "node:net"
import { describe, expect, it } from "vitest"
import { SERVER_NODE_FLAGS } from "../../src/adapters/http/server-node-flags.js"
import { needsServerFlags } from "../../src/cli/server-process.js"
import { until } from "../core/helpers.js"
import { binPath, startServe, useSandbox } from "./cli-harness.js"

/** Child pids of `pid` (Linux /proc). */
const childrenOf = (pid: number): number[] => readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number)
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean)
/** Running (a zombie left unreaped by a re-parenting init counts as gone). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"))
  } catch {
    return false
  }
}
/** True when nothing listens on 127.0.0.1:`port` any more (we can bind it ourselves). */
const portIsFree = (port: number) =>
  new Promise<boolean>(resolve => {
    const probe = createServer()
    probe.once("error", () => resolve(false))
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)))
  })

describe("needsServerFlags", () => {
  it("asks for a restart unless every server flag is there or CTS_SERVE_PARALLEL_GC=1", () => {
    expect(needsServerFlags([], {})).toBe(true)
    expect(needsServerFlags(["--max-old-space-size=512"], {})).toBe(true)
    expect(needsServerFlags([], { NODE_OPTIONS: "--enable-source-maps" })).toBe(true)
    expect(needsServerFlags([...SERVER_NODE_FLAGS], {})).toBe(false)
    expect(needsServerFlags([], { CTS_SERVE_PARALLEL_GC: "1" })).toBe(false)
  })

  it("stays in one process under the inspector, from the flags or NODE_OPTIONS", () => {
    for (const flag of [
      "--inspect",
      "--inspect=9230",
      "--inspect-brk",
      "--inspect-brk=0.0.0.0:9229",
      "--inspect-wait",
      "--inspect-port=0",
      "--debug-port=9230"
    ]) {
      expect(needsServerFlags([flag], {}), flag).toBe(false)
      expect(needsServerFlags([], { NODE_OPTIONS: `--enable-source-maps ${flag}` }), flag).toBe(false)
    }
    expect(needsServerFlags(["--inspector-like"], {})).toBe(true)
  })
})

describe.runIf(existsSync("/proc/self/task"))("cts serve's server process", () => {
  const box = useSandbox()

  it("serves from a child started with the server flags; SIGTERM reaches it and the exit code is 0", async () => {
    const server = await startServe(box.env)
    const [child] = childrenOf(server.child.pid!)
    expect(child).toBeDefined()
    expect(cmdline(child!)).toEqual(expect.arrayContaining([...SERVER_NODE_FLAGS, "serve"]))
    expect((await fetch(`${server.url}/v1/health`)).status).toBe(200)
    expect(await server.stop()).toBe(0)
    expect(alive(child!)).toBe(false)
  })

  it("the child stops when the cts process is killed outright", async () => {
    const server = await startServe(box.env)
    const [child] = childrenOf(server.child.pid!)
    server.child.kill("SIGKILL")
    await until(() => !alive(child!), 10_000)
  })

  it("CTS_SERVE_PARALLEL_GC=1 keeps the server in the cts process", async () => {
    const server = await startServe({ ...box.env, CTS_SERVE_PARALLEL_GC: "1" })
    expect(childrenOf(server.child.pid!).filter(pid => cmdline(pid).includes("serve"))).toEqual([])
    expect((await fetch(`${server.url}/v1/health`)).status).toBe(200)
    expect(await server.stop()).toBe(0)
  })

  for (const signal of ["SIGTERM", "SIGHUP", "SIGKILL"] as const) {
    it(`a process manager's ${signal} to the first pid leaves no server process and frees the port`, async () => {
      const server = await startServe(box.env)
      const first = server.child.pid!
      const [child] = childrenOf(first)
      const port = Number(new URL(server.url).port)
      const exited = new Promise<number | null>(resolve => server.child.once("exit", code => resolve(code)))
      try {
        process.kill(first, signal)
        const code = await exited
        if (signal !== "SIGKILL") expect(code).toBe(0)
        await until(() => !alive(child!), 10_000)
        await until(portIsFree.bind(null, port), 5_000)
      } finally {
        if (alive(child!)) process.kill(child!, "SIGKILL")
      }
    })
  }

  it("a first process killed outright while the server is still starting leaves no server process", async () => {
    const first = spawn(process.execPath, [binPath, "serve", "--host", "127.0.0.1", "--port", "0"], { env: box.env, stdio: "ignore" })
    let child: number | undefined
    try {
      await until(() => (child = childrenOf(first.pid!)[0]) !== undefined, 10_000)
      first.kill("SIGKILL")
      await until(() => !alive(child!), 10_000)
    } finally {
      first.kill("SIGKILL")
      if (child !== undefined && alive(child)) process.kill(child, "SIGKILL")
    }
  })
})
