import { existsSync, readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { SERVER_NODE_FLAGS } from "../../src/adapters/http/server-node-flags.js"
import { needsServerFlags } from "../../src/cli/server-process.js"
import { until } from "../core/helpers.js"
import { startServe, useSandbox } from "./cli-harness.js"

/** Child pids of `pid` (Linux /proc). */
const childrenOf = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number)
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean)
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
describe("needsServerFlags", () => {
  it("asks for a restart unless every server flag is there or CTS_SERVE_PARALLEL_GC=1", () => {
    expect(needsServerFlags([], {})).toBe(true)
    expect(needsServerFlags(["--max-old-space-size=512"], {})).toBe(true)
    expect(needsServerFlags([], { NODE_OPTIONS: "--enable-source-maps" })).toBe(true)
    expect(needsServerFlags([...SERVER_NODE_FLAGS], {})).toBe(false)
    expect(needsServerFlags([], { CTS_SERVE_PARALLEL_GC: "1" })).toBe(false)
  })

  it("stays in one process under the inspector, from the flags or NODE_OPTIONS", () => {
    for (const flag of ["--inspect", "--inspect=9230", "--inspect-brk", "--inspect-brk=0.0.0.0:9229", "--inspect-wait", "--inspect-port=0", "--debug-port=9230"]) {
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
    expect(childrenOf(server.child.pid!).filter((pid) => cmdline(pid).includes("serve"))).toEqual([])
    expect((await fetch(`${server.url}/v1/health`)).status).toBe(200)
    expect(await server.stop()).toBe(0)
  })
})
