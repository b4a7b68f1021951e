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

/** A typed error as plain data (the encoded side of `CtsErrorSchema`): how it crosses the worker thread and process boundaries. */
export type WireError = typeof CtsErrorSchema.Encoded

const encodeError = Schema.encodeSync(CtsErrorSchema)
const decodeError = Schema.decodeUnknownSync(CtsErrorSchema)
const TAGS = new Set(["ValidationError", "ToolError", "SystemError"])

/** True for a typed cts-lite error from any copy of the library (checked by shape, not class). */
export const isWireError = (u: unknown): u is WireError =>
  typeof u === "object" && u !== null && TAGS.has((u as WireError)._tag) && typeof (u as WireError).code === "string" && typeof (u as WireError).message === "string"

const cloneable = (details: unknown): unknown => {
  try {
    return details === undefined ? undefined : structuredClone(details)
  } catch {
    return undefined
  }
}

/** Plain-data copy of a typed error (through `CtsErrorSchema`); anything else becomes a ToolError `tool_crashed`. */
export const toWireError = (u: unknown): WireError => {
  if (isWireError(u)) {
    const details = cloneable(u.details)
    const fields = { code: u.code, message: u.message, ...(u.suggestedAction ? { suggestedAction: u.suggestedAction } : {}), ...(details !== undefined ? { details } : {}) }
    return encodeError(u._tag === "ValidationError" ? new ValidationError(fields) : u._tag === "ToolError" ? new ToolError(fields) : new SystemError(fields))
  }
  const message = u instanceof Error ? `${u.name}: ${u.message}` : String(u)
  return {
    _tag: "ToolError",
    code: "tool_crashed",
    message: `The tool crashed: ${message}`,
    suggestedAction: "This is a bug in the tool; report it with the run id and input"
  }
}

/** Rebuilds the typed error from its plain-data form (decoded by `CtsErrorSchema`). */
export const errorFromWire = (w: WireError): CtsError => decodeError(w)
