import { Schema } from "effect"
import { RunStatus } from "./run.js"

/** Severity of a log line. */
export const LogLevel = Schema.Literal("debug", "info", "warn", "error")
export type LogLevel = typeof LogLevel.Type

/** Who wrote a log line: the tool's `ctx.log`, the executor, or the tool's console. */
export const LogSource = Schema.Literal("tool", "executor", "console")
export type LogSource = typeof LogSource.Type

/** Structured values carried with a log line (e.g. a monitor's per-stream table), JSON only. */
export const LogData = Schema.Record({ key: Schema.String, value: Schema.Unknown })
export type LogData = Readonly<Record<string, unknown>>

const head = { runId: Schema.String, seq: Schema.Number, time: Schema.String }

/** One entry of a run's event stream; `seq` is per run, gap-free, starting at 1. `end` is terminal: nothing follows it. */
export const RunEvent = Schema.Union(
  Schema.Struct({
    type: Schema.Literal("log"),
    ...head,
    level: LogLevel,
    source: LogSource,
    message: Schema.String,
    data: Schema.optionalWith(LogData, { exact: true })
  }),
  Schema.Struct({ type: Schema.Literal("progress"), ...head, fraction: Schema.Number, note: Schema.optionalWith(Schema.String, { exact: true }) }),
  Schema.Struct({ type: Schema.Literal("status"), ...head, status: RunStatus }),
  Schema.Struct({ type: Schema.Literal("end"), ...head, status: RunStatus })
).annotations({ identifier: "RunEvent" })
export type RunEvent = typeof RunEvent.Type

/** A run event before the log stream gives it its run id, seq and time. */
export type RunEventInput =
  | { readonly type: "log"; readonly level: LogLevel; readonly source: LogSource; readonly message: string; readonly data?: LogData }
  | { readonly type: "progress"; readonly fraction: number; readonly note?: string }
  | { readonly type: "status"; readonly status: RunStatus }
  | { readonly type: "end"; readonly status: RunStatus }
