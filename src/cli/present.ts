import type { RunRecord, RunStatus } from "../core/executor/executor.js"
import type { RunEvent } from "../core/run-events/log-stream.js"
import { hintFor } from "../core/hints.js"
import { cliHints } from "./cli-hints.js"
import { ExitCode } from "./cli-error.js"
import type { ArtifactView } from "../client/cts-client.js"
import { durationSeconds, formatBytes, type Output, type Palette } from "./output.js"

/** Exit code for a finished run's status. */
export const exitCodeForStatus = (status: RunStatus): ExitCode =>
  status === "completed" ? ExitCode.ok : status === "canceled" ? ExitCode.canceled : status === "failed" ? ExitCode.runFailed : ExitCode.ok

/** A status word coloured by outcome. */
export const paintStatus = (status: RunStatus, paint: Palette): string =>
  status === "completed" ? paint.green(status) : status === "failed" ? paint.red(status) : status === "canceled" ? paint.yellow(status) : paint.cyan(status)

const clock = (iso: string): string => {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(11, 23)
}

/** One event as a log line (null for events people do not read: progress). */
export const formatEvent = (event: RunEvent, paint: Palette): string | null => {
  switch (event.type) {
    case "log": {
      const level = event.level.padEnd(5)
      const painted =
        event.level === "error"
          ? paint.red(level)
          : event.level === "warn"
            ? paint.yellow(level)
            : event.level === "debug"
              ? paint.dim(level)
              : paint.cyan(level)
      return `${paint.dim(clock(event.time))} ${painted} ${event.message}`
    }
    case "status":
      return `${paint.dim(clock(event.time))} ${paint.bold("status")} ${paintStatus(event.status, paint)}`
    case "end":
      return `${paint.dim(clock(event.time))} ${paint.bold("end")}    ${paintStatus(event.status, paint)}`
    case "progress":
      return null
  }
}

const formatDuration = (run: RunRecord): string => {
  const s = durationSeconds(run.startedAt ?? run.createdAt, run.finishedAt)
  return s === null ? "" : s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`
}

const formatValue = (value: unknown): string => {
  if (typeof value === "number") return Number.isInteger(value) ? value.toLocaleString("en-US") : String(Math.round(value * 1e6) / 1e6)
  if (typeof value === "string") return value
  const text = JSON.stringify(value)
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
}

/** Table rows for a list of runs. */
export const printRunTable = (out: Output, runs: ReadonlyArray<RunRecord>): void => {
  out.table(
    ["ID", "TOOL", "STATUS", "NAME", "CREATED", "DURATION"],
    runs.map(r => [r.id, r.toolId, paintStatus(r.status, out.paint), r.name ?? "", r.createdAt.replace("T", " ").slice(0, 19), formatDuration(r)])
  )
}

/** Table rows for artifacts; `files` maps artifact ids to where they were saved. */
export const printArtifactTable = (out: Output, artifacts: ReadonlyArray<ArtifactView>, files?: ReadonlyMap<string, string>): void => {
  const columns = ["ID", "NAME", "SIZE", "TYPE", "SHA256", ...(files ? ["SAVED TO"] : [])]
  out.table(
    columns,
    artifacts.map(a => [
      a.id,
      a.name + (a.partial ? out.paint.yellow(" (partial)") : ""),
      formatBytes(a.size),
      a.contentType,
      a.sha256.slice(0, 12),
      ...(files ? [files.get(a.id) ?? ""] : [])
    ])
  )
}

/** A run's fields, one per line. */
export const printRunDetails = (out: Output, run: RunRecord): void => {
  const rows: Array<[string, string]> = [
    ["id", run.id],
    ["tool", `${run.toolId} ${run.toolVersion}`],
    ["status", paintStatus(run.status, out.paint)],
    ["name", run.name ?? ""],
    ["created", run.createdAt],
    ["started", run.startedAt ?? ""],
    ["finished", run.finishedAt ?? ""],
    ["duration", formatDuration(run)],
    ["params", JSON.stringify(run.params)],
    ["inputs", run.inputs.map(i => `${i.name} (${formatBytes(i.size)}, sha256 ${i.sha256 === null ? "not computed" : i.sha256.slice(0, 12)})`).join(", ")],
    ["artifacts", run.artifactIds.join(", ")]
  ]
  if (run.progress && run.status === "running")
    rows.push(["progress", `${Math.floor(run.progress.fraction * 100)}%${run.progress.note ? ` ${run.progress.note}` : ""}`])
  if (run.error) rows.push(["error", `${run.error.message} [${run.error.category}/${run.error.code}]`])
  const hint = run.error && hintFor(cliHints, run.error)
  if (hint) rows.push(["suggestion", hint])
  const width = Math.max(...rows.map(([k]) => k.length))
  for (const [k, v] of rows) if (v !== "") out.line(`${out.paint.bold(k.padEnd(width))}  ${v}`)
  printSummary(out, run)
}

/** The run's summary object as indented key: value lines. */
export const printSummary = (out: Output, run: RunRecord): void => {
  if (!run.summary || Object.keys(run.summary).length === 0) return
  out.line(out.paint.bold("summary"))
  for (const [k, v] of Object.entries(run.summary)) out.line(`  ${k}: ${formatValue(v)}`)
}

/** The closing lines of `cts run`: outcome, duration, error, summary. */
export const printRunOutcome = (out: Output, run: RunRecord): void => {
  const what = `run ${run.id} (${run.toolId}) ${run.status}${formatDuration(run) ? ` in ${formatDuration(run)}` : ""}`
  if (run.status === "completed") out.log.success(what)
  else if (run.status === "canceled") out.log.warn(what)
  else out.log.error(what)
  if (run.error) {
    out.log.error(`${run.error.message} [${run.error.code}]`)
    const hint = hintFor(cliHints, run.error)
    if (hint) out.log.info(hint)
  }
  printSummary(out, run)
}
