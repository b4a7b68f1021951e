import { Effect, Either } from "effect"
import type { H3Event } from "h3"
import { NOT_STREAM_TOKEN, SignedLinks, type StreamGrant } from "../../core/artifacts/signed-links.js"
import { isCtsError } from "../../core/errors.js"
import { ApiError, notFound } from "./api-error.js"
import type { Principal } from "./auth.js"
import { runCore, type CtsRuntime } from "./route-kit.js"

/** Lifetime of a stream token: long enough to open (and reopen) an EventSource, short enough to leak little. */
export const STREAM_TOKEN_TTL_SECONDS = 300

/**
 * A token that opens an event stream as `principalId` until it expires (a browser `EventSource` cannot
 * send headers); `scope` is the run id of a run's log stream, or `RUN_CHANGES_SCOPE`.
 */
export const issueStreamToken = (runtime: CtsRuntime, principalId: string, scope: string, ttlSeconds = STREAM_TOKEN_TTL_SECONDS) =>
  runCore(
    runtime,
    Effect.flatMap(SignedLinks, links => links.signStream({ runId: scope, principalId }, ttlSeconds))
  )

/** The scope of a stream token for the feed of your run changes (no run id can contain `*`). */
export const RUN_CHANGES_SCOPE = "*run-changes"

const refused = (code: string, message: string) =>
  new ApiError(401, code, message, { suggestedAction: "Ask for a new stream token (POST /v1/runs/:id/stream-token) and reconnect with it." })

/**
 * The principal of a `?token=` stream token, if it was signed for `scope` (the run in the path, or
 * `RUN_CHANGES_SCOPE`). A token of another run answers the same 404 as a run of another principal.
 */
export const streamTokenPrincipal = async (runtime: CtsRuntime, event: H3Event, scope: string): Promise<Principal> => {
  const token = event.url.searchParams.get("token") ?? ""
  const verified = await runtime.runPromise(Effect.either(Effect.flatMap(SignedLinks, links => links.verifyStream(token))))
  if (Either.isLeft(verified)) {
    const error = verified.left
    if (isCtsError(error) && error.code === "token_expired") throw refused("token_expired", "The stream token has expired.")
    if (error.message === NOT_STREAM_TOKEN) throw refused("invalid_token", "The token is not a stream token.")
    throw refused("invalid_token", "The stream token is malformed or its signature does not match.")
  }
  const grant: StreamGrant = verified.right
  if (grant.runId !== scope) {
    if (scope === RUN_CHANGES_SCOPE) throw refused("invalid_token", "The token is not a token of the run-changes stream.")
    throw notFound("run", scope)
  }
  return { id: grant.principalId, via: "stream-token" }
}
