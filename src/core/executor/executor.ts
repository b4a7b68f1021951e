import { Context } from "effect"
import type { Effect } from "effect"
import type { CtsError, ErrorCategory } from "../errors.js"

export type RunStatus = "queued" | "running" | "completed" | "failed" | "canceled"

export { isTerminalStatus } from "./run-status.js"

/** Where a run's input comes from: a local path (only under the configured roots) or a stored artifact (uploads). */
export type InputRef =
  | { readonly type: "path"; readonly path: string }
  | { readonly type: "artifact"; readonly id: string }

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

export interface RunError {
  readonly category: ErrorCategory
  readonly code: string
  readonly message: string
  readonly suggestedAction?: string
}

/**
 * One input of a run as its record shows it. `size` is the file's size when the run was submitted.
 * `sha256` is an artifact input's stored hash; for a path input it is null until the worker has
 * hashed the file to its end while the tool read it (recorded then), and stays null when the run
 * failed, was canceled or timed out before that.
 */
export interface RunInput {
  readonly name: string
  readonly size: number
  readonly sha256: string | null
  readonly ref: InputRef
}

/** The persisted record of a run. */
export interface RunRecord {
  readonly id: string
  readonly toolId: string
  readonly toolVersion: string
  readonly name: string | null
  readonly owner: string | null
  readonly status: RunStatus
  /** Decoded params (defaults applied). */
  readonly params: Record<string, unknown>
  readonly inputs: ReadonlyArray<RunInput>
  readonly createdAt: string
  readonly startedAt: string | null
  readonly finishedAt: string | null
  readonly timeoutMs: number
  readonly progress: { readonly fraction: number; readonly note?: string } | null
  readonly error: RunError | null
  readonly summary: Record<string, unknown> | null
  readonly artifactIds: ReadonlyArray<string>
}

export interface RunQuery {
  readonly status?: RunStatus
  readonly toolId?: string
  readonly owner?: string
  readonly cursor?: string
  readonly limit?: number
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
