import { CliError, ExitCode, storeError } from "../cli-error.js"

/** How the remote client reaches the server. */
export interface HttpTarget {
  readonly baseUrl: string
  readonly token: string | null
}

interface WireErrorBody {
  readonly error?: {
    readonly category?: string
    readonly code?: string
    readonly message?: string
    readonly details?: unknown
    readonly suggested_actions?: ReadonlyArray<string>
  }
}

const exitForStatus = (status: number, category: string | undefined): ExitCode => {
  if (status === 401 || status === 429 || status >= 500) return ExitCode.store
  if (category === "tool_error") return ExitCode.runFailed
  if (category === "system_error") return ExitCode.store
  return ExitCode.usage
}

/** Turns a non-2xx response (the API's `{ error: … }` shape, or anything else) into a CliError. */
export const errorFromResponse = async (response: Response, what: string): Promise<CliError> => {
  const text = await response.text().catch(() => "")
  let body: WireErrorBody | null = null
  try {
    body = JSON.parse(text) as WireErrorBody
  } catch {
    body = null
  }
  const e = body?.error
  if (e && typeof e.message === "string") {
    const category = e.category === "validation_error" || e.category === "tool_error" || e.category === "system_error" ? e.category : "system_error"
    const auth = response.status === 401
    return new CliError({
      category,
      code: e.code ?? `http_${response.status}`,
      message: e.message,
      suggestedAction: auth ? "Pass a valid token with --token, CTS_TOKEN or `token` in the config file." : e.suggested_actions?.[0],
      details: e.details,
      exitCode: exitForStatus(response.status, category)
    })
  }
  return new CliError({
    category: "system_error",
    code: `http_${response.status}`,
    message: `${what}: the server answered ${response.status} ${response.statusText}`,
    suggestedAction: "Check that --server points at a cts-lite server.",
    exitCode: ExitCode.store
  })
}

/** fetch against the server with auth, mapping network failures to exit 2 and error bodies to typed CliErrors. */
export const httpRequest = async (
  target: HttpTarget,
  path: string,
  init: RequestInit & { readonly what: string; readonly okStatuses?: ReadonlyArray<number> } 
): Promise<Response> => {
  const headers = new Headers(init.headers)
  if (target.token) headers.set("authorization", `Bearer ${target.token}`)
  headers.set("accept", headers.get("accept") ?? "application/json")
  let response: Response
  try {
    response = await fetch(`${target.baseUrl}${path}`, { ...init, headers })
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    throw storeError(
      "server_unreachable",
      `Cannot reach the server at ${target.baseUrl} (${cause?.code ?? cause?.message ?? (error as Error).message})`,
      "Check --server / CTS_URL and that the server is running (cts serve)."
    )
  }
  if (response.ok || init.okStatuses?.includes(response.status)) return response
  throw await errorFromResponse(response, init.what)
}

/** GET/POST/DELETE returning parsed JSON. */
export const httpJson = async <T>(target: HttpTarget, path: string, init: RequestInit & { readonly what: string }): Promise<T> => {
  const response = await httpRequest(target, path, init)
  try {
    return (await response.json()) as T
  } catch {
    throw storeError("bad_response", `${init.what}: the server sent a body that is not JSON`, "Check that --server points at a cts-lite server.")
  }
}
