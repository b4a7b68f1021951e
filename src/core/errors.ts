import { Schema } from "effect"

/** Where an error belongs: bad input caught before a run, a failing tool, or the platform itself. */
export const ErrorCategory = Schema.Literal("validation_error", "tool_error", "system_error")
export type ErrorCategory = typeof ErrorCategory.Type

const errorFields = {
  /** Stable machine-readable code, e.g. `unknown_param`, `truncated_log`, `disk_full`. */
  code: Schema.String,
  /** What was wrong and where, for a person. */
  message: Schema.String,
  /** What to do about it. */
  suggestedAction: Schema.optional(Schema.String),
  /** Structured context (offsets, param names, paths relative to a root…). */
  details: Schema.optional(Schema.Unknown)
}

/** Bad params, bad input file, bad request: detected before any work starts. */
export class ValidationError extends Schema.TaggedError<ValidationError>()("ValidationError", errorFields) {
  readonly category = "validation_error" as const
}

/** The tool failed, timed out, was interrupted, or its input was corrupt. */
export class ToolError extends Schema.TaggedError<ToolError>()("ToolError", errorFields) {
  readonly category = "tool_error" as const
}

/** Disk, permissions, storage, database. */
export class SystemError extends Schema.TaggedError<SystemError>()("SystemError", errorFields) {
  readonly category = "system_error" as const
}

/** Any error cts-lite reports to a user. */
export type CtsError = ValidationError | ToolError | SystemError

/** Schema of the union, for crossing worker and HTTP boundaries. */
export const CtsErrorSchema = Schema.Union(ValidationError, ToolError, SystemError)

/** True when `u` is one of the typed cts-lite errors. */
export const isCtsError = (u: unknown): u is CtsError =>
  u instanceof ValidationError || u instanceof ToolError || u instanceof SystemError
