import type { RunEvent } from "../core/run-events/log-stream.js"
import { type MonitorTable, tableOfData, type TableCell } from "../core/monitors/monitor-table.js"
import { type Palette, renderTable } from "./output.js"
import { formatEvent } from "./present.js"

const cellText = (v: TableCell): string => (v === null ? "-" : v === true ? "yes" : v === false ? "" : typeof v === "number" ? String(v) : v)

/** A monitor's table as text: its title, then aligned columns (null → `-`, true → `yes`, false → empty). */
export const renderMonitorTable = (table: MonitorTable, paint: Palette): string =>
  `${paint.bold(table.title)}\n${renderTable(
    table.columns,
    table.rows.map(r => r.map(cellText)),
    paint
  )}`

/** Live tables are drawn when stdout is a terminal; `CTS_LIVE_TABLES=1` forces them (e.g. under a pseudo-terminal recorder), `0` turns them off. */
export const liveTablesEnabled = (json: boolean, stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean =>
  !json && env.CTS_LIVE_TABLES !== "0" && (stream.isTTY === true || env.CTS_LIVE_TABLES === "1")

/** Shows a run's events: log lines scroll, and the latest monitor table stays below them, redrawn in place. */
export interface LiveTableView {
  /** Prints a line above the table. */
  readonly line: (text: string) => void
  /** Replaces the table (redraws at most every `minRedrawMs`; the last one is always drawn by `stop`). */
  readonly table: (table: MonitorTable) => void
  /** Handles one event: its table (if any) and its line. */
  readonly event: (event: RunEvent, showLine: boolean) => void
  /** Draws the final table and leaves it on screen. */
  readonly stop: () => void
}

/** A live view writing to `stream` (stdout) with ANSI cursor movement. */
export const createLiveTableView = (paint: Palette, stream: NodeJS.WriteStream = process.stdout, minRedrawMs = 100): LiveTableView => {
  let drawnLines = 0
  let latest: MonitorTable | undefined
  let drawnTable: MonitorTable | undefined
  let lastDraw = 0
  const erase = () => {
    if (drawnLines > 0) stream.write(`\u001B[${drawnLines}A\r\u001B[0J`)
    drawnLines = 0
  }
  const draw = () => {
    if (!latest) return
    const text = renderMonitorTable(latest, paint)
    stream.write(text + "\n")
    drawnLines = text.split("\n").length
    drawnTable = latest
    lastDraw = Date.now()
  }
  const view: LiveTableView = {
    line(text) {
      erase()
      stream.write(text + "\n")
      draw()
    },
    table(t) {
      latest = t
      if (Date.now() - lastDraw < minRedrawMs && drawnTable) return
      erase()
      draw()
    },
    event(e, showLine) {
      const t = e.type === "log" ? tableOfData(e.data) : undefined
      if (t) latest = t
      const text = showLine ? formatEvent(e, paint) : null
      if (text !== null) view.line(text)
      else if (t) view.table(t)
    },
    stop() {
      if (latest && latest !== drawnTable) {
        erase()
        draw()
      }
    }
  }
  return view
}
