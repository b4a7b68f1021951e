import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assertBuilt, createSandbox, finished, json, repoRoot, runCts, spawnCts, waitForOutput, type Sandbox } from "./cli-harness.js"

const demo = path.join(repoRoot, "examples/data/subaru_cruise_demo.rlog.zst")

describe("cts embedded: Ctrl-C", () => {
  let box: Sandbox
  beforeAll(async () => {
    assertBuilt()
    box = await createSandbox()
  })
  afterAll(async () => box?.cleanup())

  it("SIGINT mid-run cancels the run cleanly: exit 130 and the run record says canceled", async () => {
    const route = Array.from({ length: 12 }, () => ["--path", demo]).flat()
    const child = spawnCts(["run", "cruise-control-analyzer", ...route, "--follow", "--name", "interrupt-me"], { env: box.env })
    const done = finished(child)
    await waitForOutput(child, "stdout", /status\s+running|Reading /)
    child.kill("SIGINT")
    const result = await done
    expect(result.code, result.stderr).toBe(130)
    expect(result.stderr).toContain("Canceling run")
    const runs = json(await runCts(["runs", "list", "--json"], { env: box.env }))
    expect(runs.items).toHaveLength(1)
    expect(runs.items[0]).toMatchObject({ name: "interrupt-me", status: "canceled" })
    expect(runs.items[0].finishedAt).not.toBeNull()
    const logs = await runCts(["logs", runs.items[0].id, "--json"], { env: box.env })
    const last = JSON.parse(logs.stdout.trim().split("\n").at(-1)!)
    expect(last).toMatchObject({ type: "end", status: "canceled" })
  })
})
