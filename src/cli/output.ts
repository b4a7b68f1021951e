import { createRequire } from "node:module"
import type { ConsolaInstance } from "consola"

// consola is loaded on first use (a message or colours), not at start-up: `cts version` and `cts --help`
// print plain lines and stay fast.
const requireCjs = createRequire(import.meta.url)
const consola = (): typeof import("consola") => requireCjs("consola") as typeof import("consola")
const consolaColors = (): typeof import("consola/utils").colors => (requireCjs("consola/utils") as typeof import("consola/utils")).colors

type Paint = (text: string) => string
const plain: Paint = text => text

/** Colour helpers that are identity functions when colours are off. */
export interface Palette {
  readonly bold: Paint
  readonly dim: Paint
  readonly red: Paint
  readonly green: Paint
  readonly yellow: Paint
  readonly cyan: Paint
}

/** Where and how a command prints: data on stdout, messages on stderr, JSON when asked. */
export interface Output {
  readonly json: boolean
  /** stderr is a terminal: progress bars and live redraws are allowed. */
  readonly interactive: boolean
  readonly paint: Palette
  /** Messages for people (stderr). */
  readonly log: ConsolaInstance
  /** One line of data on stdout. */
  readonly line: (text?: string) => void
  /** One JSON document on stdout. */
  readonly printJson: (value: unknown) => void
  /** A table on stdout. */
  readonly table: (columns: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) => void
}

/** Colours are on only for a terminal without NO_COLOR (FORCE_COLOR forces them). */
export const colorEnabled = (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean => {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true
  return stream.isTTY === true && env.TERM !== "dumb"
}

const makePalette = (on: boolean): Palette => {
  if (!on) return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain }
  const colors = consolaColors()
  return { bold: colors.bold, dim: colors.dim, red: colors.red, green: colors.green, yellow: colors.yellow, cyan: colors.cyan }
}

// eslint-disable-next-line no-control-regex
const ansiPattern = /\u001B\[[0-9;]*m/g
const visibleLength = (text: string): number => text.replace(ansiPattern, "").length

/** Renders rows as aligned columns with a header line. */
export const renderTable = (columns: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>, paint: Palette): string => {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map(r => visibleLength(r[i] ?? ""))))
  const pad = (cell: string, i: number): string => cell + " ".repeat(Math.max(0, widths[i]! - visibleLength(cell)))
  const header = columns
    .map((c, i) => paint.bold(pad(c, i)))
    .join("  ")
    .trimEnd()
  const body = rows.map(r =>
    columns
      .map((_, i) => pad(r[i] ?? "", i))
      .join("  ")
      .trimEnd()
  )
  return [header, ...body].join("\n")
}

/** Builds the output for one command invocation. */
export const createOutput = (options: { readonly json: boolean }): Output => {
  const paint = makePalette(colorEnabled(process.stdout))
  let log: ConsolaInstance | undefined
  return {
    json: options.json,
    interactive: process.stderr.isTTY === true,
    paint,
    get log() {
      return (log ??= consola().createConsola({
        level: 3,
        stdout: process.stderr,
        stderr: process.stderr,
        fancy: true,
        formatOptions: { date: false, colors: colorEnabled(process.stderr) }
      }))
    },
    line: (text = "") => {
      process.stdout.write(text + "\n")
    },
    printJson: value => {
      process.stdout.write(JSON.stringify(value, null, 2) + "\n")
    },
    table: (columns, rows) => {
      process.stdout.write(renderTable(columns, rows, paint) + "\n")
    }
  }
}

/** Human-readable byte count. */
export const formatBytes = (n: number): string => {
  if (n < 1024) return `${n} B`
  const units = ["KiB", "MiB", "GiB", "TiB"]
  let value = n / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

/** Seconds between two ISO times, or null when either is missing. */
export const durationSeconds = (from: string | null, to: string | null): number | null =>
  from && to ? Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000) : null
