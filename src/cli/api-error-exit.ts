import type { CtsApiError } from "../client/api-error.js"
import { CliError, ExitCode, storeError } from "./cli-error.js"

const exitForStatus = (status: number, category: string | undefined): ExitCode => {
  if (status === 401 || status === 429 || status >= 500) return ExitCode.store
  if (category === "tool_error") return ExitCode.runFailed
  if (category === "system_error") return ExitCode.store
  return ExitCode.usage
}

/** The HTTP client's error → the CLI's, with the exit code and the CLI's own advice (flags, env) where the API's would not fit. */
export const cliErrorFromApi = (e: CtsApiError): CliError => {
  if (e.code === "server_unreachable") return storeError(e.code, e.message, "Check --server / CTS_URL and that the server is running (cts serve).")
  if (e.status === 0) return storeError(e.code, e.message, e.suggestedAction)
  const generic = e.code === "bad_response" || (e.code === `http_${e.status}` && / the server answered \d+/.test(e.message))
  if (generic) return storeError(e.code, e.message, "Check that --server points at a cts-lite server.")
  return new CliError({
    category: e.category,
    code: e.code,
    message: e.message,
    suggestedAction: e.status === 401 ? "Pass a valid token with --token, CTS_TOKEN or `token` in the config file." : e.suggestedAction,
    details: e.details,
    exitCode: exitForStatus(e.status, e.category)
  })
}
