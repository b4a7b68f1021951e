import { CtsApiError } from "../../src/client/api-error.js"
import { createHttpClient, type HttpClient } from "../../src/client/http-client.js"

const TOKEN_KEY = "cts-token"

/** The API token of this tab (sessionStorage: gone when the tab closes, never shared with other tabs). */
export const currentToken = (): string => sessionStorage.getItem(TOKEN_KEY) ?? ""
export const setToken = (token: string): void => (token ? sessionStorage.setItem(TOKEN_KEY, token) : sessionStorage.removeItem(TOKEN_KEY))

/** A client of this origin's API with the tab's token. */
export const api = (): HttpClient => createHttpClient({ baseUrl: "", token: currentToken() || null })

const notice = () => document.getElementById("notice")!

/** Shows an error for the user: what failed, and what to do about it; a 401 says the token is the problem. */
export const showError = (error: unknown): void => {
  let text: string
  if (error instanceof CtsApiError) {
    text =
      error.status === 401
        ? `The token was not accepted (${error.code}): ${error.message} Enter a valid API token in the Token field above.`
        : `${error.message}${error.suggestedAction ? ` — ${error.suggestedAction}` : ""} (${error.code})`
  } else text = error instanceof Error ? error.message : String(error)
  notice().textContent = text
}

/** Clears the message area. */
export const clearError = (): void => void (notice().textContent = "")

/** Runs `f`, showing its failure instead of throwing. */
export const guarded = async <T>(f: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await f()
  } catch (error) {
    showError(error)
    return undefined
  }
}
