import { isCtsError, type CtsError, type ErrorCategory } from "../../core/errors.js"
import { hintFor } from "../../core/hints.js"
import { httpHints } from "./http-hints.js"

/** The one error body every route answers with. */
export interface ErrorBody {
  readonly error: {
    readonly category: ErrorCategory
    readonly code: string
    readonly message: string
    readonly details: unknown
    readonly suggested_actions: ReadonlyArray<string>
  }
}

/** An error that already knows its HTTP status and wire body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: {
      readonly category?: ErrorCategory
      readonly details?: unknown
      readonly suggestedAction?: string | undefined
      readonly headers?: Record<string, string>
    } = {}
  ) {
    super(message)
  }

  /** The wire body, `{ error: { … } }`. */
  toBody(): ErrorBody {
    return {
      error: {
        category: this.options.category ?? (this.status >= 500 ? "system_error" : "validation_error"),
        code: this.code,
        message: this.message,
        details: this.options.details ?? null,
        suggested_actions: this.options.suggestedAction ? [this.options.suggestedAction] : []
      }
    }
  }

  /** A JSON Response carrying this error. */
  toResponse(): Response {
    return new Response(JSON.stringify(this.toBody()), {
      status: this.status,
      headers: { "content-type": "application/json; charset=utf-8", ...this.options.headers }
    })
  }
}

const statusByCode: Record<string, number> = {
  unknown_tool: 422,
  tool_not_found: 422,
  input_not_found: 422,
  malformed_json: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  path_not_allowed: 403,
  invalid_token: 403,
  expired_token: 403,
  token_expired: 403,
  invalid_signature: 403,
  already_finished: 409,
  run_not_finished: 409,
  artifact_exists: 409,
  artifact_missing: 410,
  invalid_range: 416,
  conflict: 409,
  payload_too_large: 413,
  upload_too_large: 413,
  rate_limited: 429,
  disk_full: 507,
  request_body_timeout: 408,
  cancel_not_confirmed: 504,
  queue_unavailable: 503
}

/** HTTP status for a core error: by its code first, then by its category. */
export const statusForCtsError = (error: CtsError): number => {
  const byCode = statusByCode[error.code]
  if (byCode !== undefined) return byCode
  if (error.code === "not_found" || error.code.endsWith("_not_found")) return 404
  switch (error.category) {
    case "validation_error":
      return 422
    case "tool_error":
      return 500
    case "system_error":
      return 500
  }
}

/** Converts any thrown value into an ApiError; unknown failures become an opaque 500. */
export const toApiError = (error: unknown): ApiError => {
  if (error instanceof ApiError) return error
  if (isCtsError(error)) {
    return new ApiError(statusForCtsError(error), error.code, error.message, {
      category: error.category,
      details: error.details ?? null,
      suggestedAction: hintFor(httpHints, error)
    })
  }
  return new ApiError(500, "internal_error", "The server failed while handling this request.", {
    category: "system_error",
    suggestedAction: "Retry; if it keeps failing, check the server log."
  })
}

/** 404 in the one shape used for unknown and foreign resources alike. */
export const notFound = (what: string, id: string): ApiError =>
  new ApiError(404, `${what}_not_found`, `No ${what} with id "${id}".`, {
    details: { id },
    suggestedAction: hintFor(httpHints, { code: `${what}_not_found`, suggestedAction: `Check the ${what} id.` })
  })
