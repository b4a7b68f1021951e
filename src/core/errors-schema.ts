import { Schema } from "effect"
import { SystemError, ToolError, ValidationError, type ErrorFields } from "./errors.js"

/** Schema of an error category. */
export const ErrorCategory = Schema.Literal("validation_error", "tool_error", "system_error")

const fields = {
  code: Schema.String,
  message: Schema.String,
  suggestedAction: Schema.optional(Schema.String),
  details: Schema.optional(Schema.Unknown)
}

const errorSchema = <Tag extends string, E extends ErrorFields & { readonly _tag: Tag }>(tag: Tag, make: new (f: ErrorFields) => E) =>
  Schema.transform(Schema.TaggedStruct(tag, fields), Schema.declare((u): u is E => u instanceof make), {
    strict: false,
    decode: ({ _tag, ...f }) => new make(f),
    encode: (e: E) => ({
      _tag: tag,
      code: e.code,
      message: e.message,
      ...(e.suggestedAction !== undefined ? { suggestedAction: e.suggestedAction } : {}),
      ...(e.details !== undefined ? { details: e.details } : {})
    })
  })

/** Schema of the error union (`{ _tag, code, message, suggestedAction?, details? }` encoded), for crossing worker and HTTP boundaries. */
export const CtsErrorSchema = Schema.Union(
  errorSchema("ValidationError", ValidationError),
  errorSchema("ToolError", ToolError),
  errorSchema("SystemError", SystemError)
)
