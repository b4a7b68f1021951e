/** The API's error categories. */
export type ErrorCategory = "validation_error" | "tool_error" | "system_error"

/**
 * A failed API call, in the same shape as the core's errors: `code`, `message`, `suggestedAction`,
 * plus the HTTP `status` (0 when the server could not be reached).
 */
export class CtsApiError extends Error {
  override readonly name = "CtsApiError"
  constructor(
    readonly status: number,
    readonly category: ErrorCategory,
    readonly code: string,
    message: string,
    readonly suggestedAction: string | undefined,
    readonly details?: unknown
  ) {
    super(message)
  }
}

interface ErrorBody {
  readonly error?: { category?: string; code?: string; message?: string; details?: unknown; suggested_actions?: ReadonlyArray<string> }
}

const categoryOf = (c: unknown): ErrorCategory => (c === "validation_error" || c === "tool_error" || c === "system_error" ? c : "system_error")

/** A non-2xx response → CtsApiError: the API's `{ error: … }` body, or a generic error naming `what` and the status. */
export const errorFromResponse = async (response: Response, what: string): Promise<CtsApiError> => {
  const text = await response.text().catch(() => "")
  let body: ErrorBody | null = null
  try {
    body = JSON.parse(text) as ErrorBody
  } catch {}
  const e = body?.error
  if (e && typeof e.message === "string") {
    return new CtsApiError(response.status, categoryOf(e.category), e.code ?? `http_${response.status}`, e.message, e.suggested_actions?.[0], e.details)
  }
  return new CtsApiError(
    response.status,
    "system_error",
    `http_${response.status}`,
    `${what}: the server answered ${response.status} ${response.statusText}`,
    "Check that the address points at a cts-lite server."
  )
}
