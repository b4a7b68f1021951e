import * as Data from "effect/Data"

/** Where an error belongs: bad input caught before a run, a failing tool, or the platform itself. */
export type ErrorCategory = "validation_error" | "tool_error" | "system_error"

/** The fields every cts-lite error carries (also its wire shape, with `_tag` and `category`). */
export interface ErrorFields {
  /** Stable machine-readable code, e.g. `unknown_param`, `truncated_log`, `disk_full`. */
  readonly code: string
  /** What was wrong and where, for a person. */
  readonly message: string
  /** What to do about it. */
  readonly suggestedAction?: string | undefined
  /** Structured context (offsets, param names, paths relative to a root…). */
  readonly details?: unknown
}

// effect/Data (not Schema): the data layer (`cts-lite/log`) imports these, so they stay light to import and
// browser-safe. They are still yieldable Effect failures; `error-schema.ts` gives them their Schema and wire form.

/** Bad params, bad input file, bad request: detected before any work starts. */
export class ValidationError extends Data.TaggedError("ValidationError")<ErrorFields> {
  readonly category = "validation_error" as const
}

/** The tool failed, timed out, was interrupted, or its input was corrupt. */
export class ToolError extends Data.TaggedError("ToolError")<ErrorFields> {
  readonly category = "tool_error" as const
}

/** Disk, permissions, storage, database. */
export class SystemError extends Data.TaggedError("SystemError")<ErrorFields> {
  readonly category = "system_error" as const
}

/** Any error cts-lite reports to a user. */
export type CtsError = ValidationError | ToolError | SystemError

/** True when `u` is one of the typed cts-lite errors. */
export const isCtsError = (u: unknown): u is CtsError => u instanceof ValidationError || u instanceof ToolError || u instanceof SystemError
