import { describe, expect, it } from "vitest"
import { rlogPath, subaruTruth } from "../support/shared-data.js"
import { json, runCts, useSandbox } from "./cli-harness.js"

const demo = rlogPath("subaru_cruise_demo.rlog.zst")

// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001B\[[0-9;]*[A-Za-z]/g, "")

/** The rows of the last table titled `title…` in a live-table output: first column → the given column. */
const lastTable = (stdout: string, title: string, column: string): Record<string, string> => {
  const text = stripAnsi(stdout)
  const at = text.lastIndexOf(title)
  expect(at).toBeGreaterThanOrEqual(0)
  const [, header, ...rows] = text.slice(at).split("\n")
  const columns = header!.trim().split(/\s+/)
  const out: Record<string, string> = {}
  for (const row of rows) {
    if (!/^\d+:0x/.test(row)) break
    const cells = row.trim().split(/\s+/)
    out[cells[0]!] = cells[columns.indexOf(column)]!
  }
  return out
}

describe("cts mon live tables (real process, CTS_LIVE_TABLES=1 in place of a terminal)", () => {
  const box = useSandbox()

  it("start draws can-bus-check's table; its last one has the truth file's count for every stream and flags the missing one", async () => {
    const env = { ...box.env, CTS_LIVE_TABLES: "1" }
    const r = await runCts(
      ["mon", "start", "can-bus-check", "--simulate", demo, "-p", "speed=0", "-p", "window_s=0.05", "-p", "preset=subaru-global", "-p", "expected=0:0x7FF"],
      { env }
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("\u001B[")
    const frames = lastTable(r.stdout, "can-bus-check window", "frames")
    const truth = subaruTruth().frame_counts_by_bus_address as Record<string, number>
    const seen = Object.fromEntries(
      Object.entries(frames)
        .filter(([, n]) => Number(n) > 0)
        .map(([k, n]) => [k, Number(n)])
    )
    expect(seen).toEqual(truth)
    expect(frames["0:0x7FF"]).toBe("0")
    expect(lastTable(r.stdout, "can-bus-check window", "flag")["0:0x7FF"]).toBe("MISSING")
  })

  it("follow redraws hybrid-rx-trace's ages table; without the flag on a pipe it stays line-oriented", async () => {
    const started = json(
      await runCts(
        ["mon", "start", "hybrid-rx-trace", "--path", demo, "-p", "expected=0:0x68D", "-p", "expected=0:0x146", "-p", "expected=0:0x7FF", "--json"],
        { env: box.env }
      )
    )
    expect(started.run.status).toBe("completed")
    const truth = subaruTruth().frame_counts_by_bus_address as Record<string, number>
    const live = await runCts(["mon", "follow", started.run.id], { env: { ...box.env, CTS_LIVE_TABLES: "1" } })
    expect(live.code).toBe(0)
    expect(lastTable(live.stdout, "hybrid-rx-trace at the end", "frames")).toEqual({
      "0:0x68D": String(truth["0:0x68D"]),
      "0:0x146": String(truth["0:0x146"]),
      "0:0x7FF": "0"
    })
    expect(lastTable(live.stdout, "hybrid-rx-trace at the end", "state")["0:0x7FF"]).toBe("never")
    const lines = await runCts(["mon", "follow", started.run.id], { env: box.env })
    expect(lines.stdout).not.toContain("\u001B[")
    expect(lines.stdout).not.toContain("hybrid-rx-trace at the end")
    expect(lines.stdout).toMatch(/ages at the end/)
  })
})
