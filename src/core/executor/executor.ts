import { Context } from "effect"
import type { Effect } from "effect"
import type { CtsError } from "../../model/errors.js"
import type { InputRef, RunQuery, RunRecord } from "../../model/run.js"

/** The domain types moved to `src/model/run.ts`; re-exported here for code written against this module. */
export { isTerminalStatus } from "../../model/run.js"
export type { InputRef, RunError, RunInput, RunQuery, RunRecord, RunStatus } from "../../model/run.js"

/** What `submit` takes. */
export interface SubmitRequest {
  readonly toolId: string
  readonly params?: Record<string, unknown>
  /** One input, or several (route segments, read in order). */
  readonly input: InputRef | ReadonlyArray<InputRef>
  readonly name?: string
  /** Principal that owns the run (HTTP auth); embedded use leaves it unset. */
  readonly owner?: string
  readonly timeoutMs?: number
}

export interface CancelOutcome {
  readonly run: RunRecord
  /** What happened: a queued/running run was canceled, or it had already finished. */
  readonly outcome: "canceled" | "already_finished"
}

/** Runs tools off the main event loop with a concurrency cap, timeouts and cancel. */
export interface ExecutorService {
  readonly submit: (req: SubmitRequest) => Effect.Effect<RunRecord, CtsError>
  readonly get: (id: string) => Effect.Effect<RunRecord, CtsError>
  readonly list: (query: RunQuery) => Effect.Effect<{ readonly items: ReadonlyArray<RunRecord>; readonly nextCursor: string | null }, CtsError>
  readonly cancel: (id: string) => Effect.Effect<CancelOutcome, CtsError>
  /** Waits until the run is completed, failed or canceled. */
  readonly await: (id: string) => Effect.Effect<RunRecord, CtsError>
  readonly queueDepth: Effect.Effect<{ readonly queued: number; readonly running: number }>
}

export class Executor extends Context.Tag("cts/Executor")<Executor, ExecutorService>() {}

/** The RunService port (submit, validate, cancel, await): the same Tag as `Executor`, the name the adapters use. */
export const RunService = Executor
export type RunService = Executor
export type RunServiceShape = ExecutorService
