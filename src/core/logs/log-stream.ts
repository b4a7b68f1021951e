import { Context } from "effect"
import type { Effect, Stream } from "effect"
import type { CtsError } from "../errors.js"
import type { LogData, LogLevel } from "../tools/define-tool.js"
import type { RunStatus } from "../executor/executor.js"

/** One entry of a run's event stream; `seq` is per run, gap-free, starting at 1. */
export type RunEvent =
  | { readonly type: "log"; readonly runId: string; readonly seq: number; readonly time: string; readonly level: LogLevel; readonly source: "tool" | "executor" | "console"; readonly message: string; readonly data?: LogData }
  | { readonly type: "progress"; readonly runId: string; readonly seq: number; readonly time: string; readonly fraction: number; readonly note?: string }
  | { readonly type: "status"; readonly runId: string; readonly seq: number; readonly time: string; readonly status: RunStatus }
  /** Terminal: nothing follows it. */
  | { readonly type: "end"; readonly runId: string; readonly seq: number; readonly time: string; readonly status: RunStatus }

export type RunEventInput =
  | { readonly type: "log"; readonly level: LogLevel; readonly source: "tool" | "executor" | "console"; readonly message: string; readonly data?: LogData }
  | { readonly type: "progress"; readonly fraction: number; readonly note?: string }
  | { readonly type: "status"; readonly status: RunStatus }
  | { readonly type: "end"; readonly status: RunStatus }

/** Sequenced, persisted, live-fanned-out run events. */
export interface LogStreamService {
  readonly append: (runId: string, event: RunEventInput) => Effect.Effect<RunEvent, CtsError>
  /** Persisted events with seq > after, at most `limit`. */
  readonly read: (runId: string, after: number, limit?: number) => Effect.Effect<ReadonlyArray<RunEvent>, CtsError>
  /** Replay from seq > after, then live; ends after the `end` event. No gap, no duplicate. */
  readonly subscribe: (runId: string, after: number) => Stream.Stream<RunEvent, CtsError>
}

export class LogStream extends Context.Tag("cts/LogStream")<LogStream, LogStreamService>() {}
