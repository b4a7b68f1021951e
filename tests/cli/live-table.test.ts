import { describe, expect, it } from "vitest"
import { createLiveTableView, liveTablesEnabled, renderMonitorTable } from "../../src/cli/live-table.js"
import type { RunEvent } from "../../src/core/run-events/log-stream.js"
import { tableOfData } from "../../src/core/monitors/monitor-table.js"

const plain = {
  bold: (s: string) => s,
  dim: (s: string) => s,
  red: (s: string) => s,
  green: (s: string) => s,
  yellow: (s: string) => s,
  cyan: (s: string) => s
}
const table = {
  title: "can-bus-check window 0.0–5.0 s",
  columns: ["stream", "frames", "rate_hz", "expected", "flag"],
  rows: [
    ["0:0x40", 250, 50, true, ""],
    ["0:0x7FF", 0, 0, true, "MISSING"],
    ["2:0x122", 12, null, false, ""]
  ]
}

/** A fake terminal stream that records what is written. */
const recorder = () => {
  const writes: string[] = []
  return { writes, stream: { isTTY: true, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream }
}

describe("monitor tables in the CLI", () => {
  it("renders a title and aligned columns: null as -, true as yes, false empty", () => {
    expect(renderMonitorTable(table, plain).split("\n")).toEqual([
      "can-bus-check window 0.0–5.0 s",
      "stream   frames  rate_hz  expected  flag",
      "0:0x40   250     50       yes",
      "0:0x7FF  0       0        yes       MISSING",
      "2:0x122  12      -"
    ])
  })

  it("takes a table only from well-formed data", () => {
    expect(tableOfData({ table })).toBe(table)
    expect(tableOfData(undefined)).toBeUndefined()
    expect(tableOfData({ table: { title: "x", columns: ["a"], rows: [[{ nested: 1 }]] } })).toBeUndefined()
    expect(tableOfData({ table: { title: 1, columns: [], rows: [] } })).toBeUndefined()
  })

  it("keeps the latest table under the scrolling lines, erasing exactly the lines it drew", () => {
    const { writes, stream } = recorder()
    const view = createLiveTableView(plain, stream, 0)
    const log = (seq: number, message: string, data?: unknown): RunEvent => ({
      type: "log",
      runId: "r",
      seq,
      time: "2026-01-01T00:00:00.000Z",
      level: "info",
      source: "tool",
      message,
      ...(data ? { data: data as Record<string, unknown> } : {})
    })
    view.event(log(1, "first"), true)
    expect(writes).toHaveLength(1)
    expect(writes[0]).toMatch(/info\s+first\n$/)
    view.event(log(2, "window", { table }), false)
    expect(writes.at(-1)).toBe(renderMonitorTable(table, plain) + "\n")
    view.event(log(3, "next line"), true)
    expect(writes.slice(-3)).toEqual(["\u001B[5A\r\u001B[0J", expect.stringContaining("next line"), renderMonitorTable(table, plain) + "\n"])
    const count = writes.length
    view.stop()
    expect(writes.length).toBe(count)
  })

  it("is on for a terminal, forced by CTS_LIVE_TABLES=1, off with 0 or --json", () => {
    const tty = { isTTY: true } as NodeJS.WriteStream
    const pipe = { isTTY: false } as NodeJS.WriteStream
    expect(liveTablesEnabled(false, tty, {})).toBe(true)
    expect(liveTablesEnabled(false, pipe, {})).toBe(false)
    expect(liveTablesEnabled(false, pipe, { CTS_LIVE_TABLES: "1" })).toBe(true)
    expect(liveTablesEnabled(false, tty, { CTS_LIVE_TABLES: "0" })).toBe(false)
    expect(liveTablesEnabled(true, tty, { CTS_LIVE_TABLES: "1" })).toBe(false)
  })
})
