import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { repoRoot } from "../core/helpers.js"
import { json, runCts, useSandbox } from "../cli/cli-harness.js"
import { startTestServer, type TestServer } from "./support/test-server.js"

const pandaOnlyModule = path.join(repoRoot, "tests/core/fixtures/panda-only-monitor.mjs")
const MONITORS = ["can-bus-check", "can-capture", "hybrid-rx-trace", "panda-state"]

interface WireTool {
  readonly id: string
  readonly category: string
  readonly requires_hardware: boolean
  readonly sources?: string[]
}

describe("capabilities: requires_hardware and sources", () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({ core: { extraToolModules: [pandaOnlyModule] } })
  })
  afterAll(() => server.stop())

  it("GET /v1/capabilities: the built-in monitors read a log or a simulated panda too, so need no hardware; a panda-only monitor does", async () => {
    const { tools } = (await (await server.api("/v1/capabilities")).json()) as { tools: WireTool[] }
    const byId = Object.fromEntries(tools.map(t => [t.id, t]))
    for (const id of MONITORS) expect(byId[id]).toMatchObject({ category: "monitor", requires_hardware: false, sources: ["log", "simulate", "panda"] })
    expect(byId["test-panda-only"]).toMatchObject({ category: "monitor", requires_hardware: true, sources: ["panda"] })
    expect(byId["cruise-control-analyzer"]).toMatchObject({ category: "analyzer", requires_hardware: false })
    expect(byId["cruise-control-analyzer"].sources).toBeUndefined()
  })

  describe("cts cap (real process)", () => {
    const box = useSandbox()
    it("--json carries the same fields; the text lists a monitor's sources", async () => {
      const { tools } = json<{ tools: Array<{ id: string; requiresHardware: boolean; sources?: string[] }> }>(await runCts(["cap", "--json"], { env: box.env }))
      expect(tools.find(t => t.id === "panda-state")).toMatchObject({ requiresHardware: false, sources: ["log", "simulate", "panda"] })
      const text = await runCts(["cap", "panda-state"], { env: box.env })
      expect(text.stdout).toMatch(/sources: log, simulate, panda · runs without hardware/)
    })
  })
})
