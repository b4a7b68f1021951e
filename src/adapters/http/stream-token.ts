import { Effect } from "effect"
import type { H3Event } from "h3"
import { signToken, verifyToken } from "../../core/artifacts/signed-token.js"
import { CtsConfig } from "../../core/config.js"
import { isCtsError } from "../../core/errors.js"
import { ApiError, notFound } from "./api-error.js"
import type { Principal } from "./auth.js"
import { runCore, type CtsRuntime } from "./route-kit.js"

/** Lifetime of a stream token: long enough to open (and reopen) an EventSource, short enough to leak little. */
export const STREAM_TOKEN_TTL_SECONDS = 300

const PREFIX = "stream:"

/** Stream tokens use their own HMAC key, derived from the signing key, so they never verify as artifact download tokens (nor the reverse). */
const streamKey = (signingKey: string) => `${signingKey}\u0000stream-token`

const signingKeyOf = (runtime: CtsRuntime) =>
  runCore(
    runtime,
    Effect.map(CtsConfig, c => c.signingKey)
  )

/** The scope of a stream token for the feed of your run changes (no run id can contain `*`). */
export const RUN_CHANGES_SCOPE = "*run-changes"

/**
 * A token that opens an event stream as `principalId` until it expires (a browser `EventSource` cannot
 * send headers); `scope` is the run id of a run's log stream, or `RUN_CHANGES_SCOPE`.
 */
export const issueStreamToken = async (runtime: CtsRuntime, principalId: string, scope: string, ttlSeconds = STREAM_TOKEN_TTL_SECONDS) => {
  const expiresAtMs = Date.now() + ttlSeconds * 1000
  const token = signToken(streamKey(await signingKeyOf(runtime)), `${PREFIX}${scope}:${principalId}`, expiresAtMs)
  return { token, expiresAt: new Date(Math.floor(expiresAtMs / 1000) * 1000).toISOString() }
}

const refused = (code: string, message: string) =>
  new ApiError(401, code, message, { suggestedAction: "Ask for a new stream token (POST /v1/runs/:id/stream-token) and reconnect with it." })

/**
 * The principal of a `?token=` stream token, if it was signed for `scope` (the run in the path, or
 * `RUN_CHANGES_SCOPE`). A token of another run answers the same 404 as a run of another principal.
 */
export const streamTokenPrincipal = async (runtime: CtsRuntime, event: H3Event, scope: string): Promise<Principal> => {
  const token = event.url.searchParams.get("token") ?? ""
  let id: string
  try {
    id = verifyToken(streamKey(await signingKeyOf(runtime)), token)
  } catch (error) {
    if (isCtsError(error) && error.code === "token_expired") throw refused("token_expired", "The stream token has expired.")
    throw refused("invalid_token", "The stream token is malformed or its signature does not match.")
  }
  const colon = id.indexOf(":", PREFIX.length)
  if (!id.startsWith(PREFIX) || colon < 0) throw refused("invalid_token", "The token is not a stream token.")
  if (id.slice(PREFIX.length, colon) !== scope) {
    if (scope === RUN_CHANGES_SCOPE) throw refused("invalid_token", "The token is not a token of the run-changes stream.")
    throw notFound("run", scope)
  }
  return { id: id.slice(colon + 1), via: "stream-token" }
}
