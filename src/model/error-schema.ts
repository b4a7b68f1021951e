import { Schema } from "effect"
import { SystemError, ToolError, ValidationError, type CtsError, type ErrorFields } from "./errors.js"

/** Schema of an error category. */
export const ErrorCategorySchema = Schema.Literal("validation_error", "tool_error", "system_error")

const fields = {
  code: Schema.String,
  message: Schema.String,
  suggestedAction: Schema.optional(Schema.String),
  details: Schema.optional(Schema.Unknown)
}

const errorSchema = <Tag extends string, E extends ErrorFields & { readonly _tag: Tag }>(tag: Tag, make: new (f: ErrorFields) => E) =>
  Schema.transform(
    Schema.TaggedStruct(tag, fields),
    Schema.declare((u): u is E => u instanceof make),
    {
      strict: false,
      decode: ({ _tag, ...f }) => new make(f),
      encode: (e: E) => ({
        _tag: tag,
        code: e.code,
        message: e.message,
        ...(e.suggestedAction !== undefined ? { suggestedAction: e.suggestedAction } : {}),
        ...(e.details !== undefined ? { details: e.details } : {})
      })
    }
  )

/** Schema of the error union (`{ _tag, code, message, suggestedAction?, details? }` encoded), for crossing worker and HTTP boundaries. */
export const CtsErrorSchema = Schema.Union(
  errorSchema("ValidationError", ValidationError),
  errorSchema("ToolError", ToolError),
  errorSchema("SystemError", SystemError)
)

/** A typed error as plain data (the encoded side of `CtsErrorSchema`): how it crosses the worker thread and process boundaries. */
export type WireError = typeof CtsErrorSchema.Encoded

const encodeError = Schema.encodeSync(CtsErrorSchema)
const decodeError = Schema.decodeUnknownSync(CtsErrorSchema)
const TAGS = new Set(["ValidationError", "ToolError", "SystemError"])

/** True for a typed cts-lite error from any copy of the library (checked by shape, not class). */
export const isWireError = (u: unknown): u is WireError =>
  typeof u === "object" &&
  u !== null &&
  TAGS.has((u as WireError)._tag) &&
  typeof (u as WireError).code === "string" &&
  typeof (u as WireError).message === "string"

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
    const fields = {
      code: u.code,
      message: u.message,
      ...(u.suggestedAction ? { suggestedAction: u.suggestedAction } : {}),
      ...(details !== undefined ? { details } : {})
    }
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
