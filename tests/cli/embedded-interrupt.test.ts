import path from "node:path"
import { describe, expect, it } from "vitest"
import { finished, json, runCts, spawnCts, useSandbox, waitForOutput } from "./cli-harness.js"
import { repoRoot } from "../support/shared-data.js"

const demo = path.join(repoRoot, "examples/data/subaru_cruise_demo.rlog.zst")

describe("cts embedded: Ctrl-C, and following a run another process executes", () => {
  const box = useSandbox()

  it("SIGINT mid-run cancels the run cleanly (exit 130, record canceled); a second process following it exits 4", async () => {
    const route = Array.from({ length: 12 }, () => ["--path", demo]).flat()
    const child = spawnCts(["run", "cruise-control-analyzer", ...route, "--follow", "--name", "interrupt-me"], { env: box.env })
    const done = finished(child)
    await waitForOutput(child, "stdout", /status\s+running|Reading /)

    const listed = json(await runCts(["runs", "list", "--json", "--status", "running"], { env: box.env }))
    expect(listed.items.map((r: any) => r.name)).toEqual(["interrupt-me"])
    const runId = listed.items[0].id
    const follower = spawnCts(["logs", runId, "--follow"], { env: box.env })
    const followed = finished(follower)
    await waitForOutput(follower, "stdout", /status\s+running/)

    child.kill("SIGINT")
    const result = await done
    expect(result.code, result.stderr).toBe(130)
    expect(result.stderr).toContain(`Canceling run ${runId}`)

    const after = await followed
    expect(after.code, after.stderr).toBe(4)
    expect(after.stdout).toMatch(/end\s+canceled\s*$/)

    const run = json(await runCts(["runs", "get", runId, "--json"], { env: box.env }))
    expect(run).toMatchObject({ name: "interrupt-me", status: "canceled" })
    expect(run.finishedAt).not.toBeNull()
    const logs = await runCts(["logs", runId, "--json"], { env: box.env })
    const events = logs.stdout
      .trim()
      .split("\n")
      .map(l => JSON.parse(l))
    expect(events.at(-1)).toMatchObject({ type: "end", status: "canceled" })
    expect(events.map((e: any) => e.seq)).toEqual(events.map((_: unknown, i: number) => i + 1))
  })

  it("--timeout stops a run: it fails with a timeout error (exit 3)", async () => {
    const route = Array.from({ length: 12 }, () => ["--path", demo]).flat()
    const result = await runCts(["run", "cruise-control-analyzer", ...route, "--timeout", "0.5", "--json"], { env: box.env })
    expect(result.code, result.stderr).toBe(3)
    const { run } = json(result)
    expect(run.status).toBe("failed")
    expect(run.timeoutMs).toBe(500)
    expect(run.error.code).toMatch(/timeout/)
  })
})
