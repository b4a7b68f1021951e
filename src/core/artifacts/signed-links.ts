import { Context, Effect, Layer } from "effect"
import { CtsConfig } from "../config.js"
import { ValidationError } from "../errors.js"
import { signToken, verifyToken } from "./signed-token.js"

/** A signed token and the moment (ISO-8601, whole seconds) it stops being valid. */
export interface SignedLink {
  readonly token: string
  readonly expiresAt: string
}

/** Who may open a run's event stream with a stream token. */
export interface StreamGrant {
  readonly runId: string
  readonly principalId: string
}

/**
 * Signed, expiring links that need no credentials: artifact downloads (`/v1/files/<token>`) and a
 * run's event stream for a browser `EventSource` (`?token=`). Tokens are HMAC-SHA256 under the
 * configured signing key; stream tokens use a key derived from it, so neither verifies as the other.
 */
export interface SignedLinksService {
  /** A download token for artifact `artifactId` (its existence is the caller's to check); `invalid_ttl` unless `ttlSeconds` is a positive number. */
  readonly signArtifact: (artifactId: string, ttlSeconds: number) => Effect.Effect<SignedLink, ValidationError>
  /** The artifact id a download token was signed for; `invalid_token` when forged or malformed, `token_expired` when past its expiry. */
  readonly verifyArtifact: (token: string) => Effect.Effect<string, ValidationError>
  /** A token that opens the event stream of `grant.runId` as `grant.principalId`. */
  readonly signStream: (grant: StreamGrant, ttlSeconds: number) => Effect.Effect<SignedLink>
  /** The grant of a stream token; `invalid_token` (also for a token that is not a stream token) or `token_expired`. */
  readonly verifyStream: (token: string) => Effect.Effect<StreamGrant, ValidationError>
}

const STREAM_PREFIX = "stream:"

const invalidTtl = (ttlSeconds: number) => new ValidationError({ code: "invalid_ttl", message: `ttlSeconds must be a positive number, got ${ttlSeconds}` })

/** Message of the `invalid_token` error for a validly signed token that is not a stream token. */
export const NOT_STREAM_TOKEN = "The token is not a stream token"

const notStreamToken = () => new ValidationError({ code: "invalid_token", message: NOT_STREAM_TOKEN, suggestedAction: "Ask for a new stream token" })

const signed = (key: string, subject: string, ttlSeconds: number): SignedLink => {
  const expiresAtMs = Date.now() + Math.ceil(ttlSeconds) * 1000
  return { token: signToken(key, subject, expiresAtMs), expiresAt: new Date(Math.floor(expiresAtMs / 1000) * 1000).toISOString() }
}

const verified = (key: string, token: string) => Effect.try({ try: () => verifyToken(key, token), catch: e => e as ValidationError })

/** The links service under `signingKey`. */
export const makeSignedLinks = (signingKey: string): SignedLinksService => {
  const streamKey = `${signingKey}\u0000stream-token`
  return {
    signArtifact: (artifactId, ttlSeconds) =>
      ttlSeconds > 0 && Number.isFinite(ttlSeconds) ? Effect.sync(() => signed(signingKey, artifactId, ttlSeconds)) : Effect.fail(invalidTtl(ttlSeconds)),
    verifyArtifact: token => verified(signingKey, token),
    signStream: (grant, ttlSeconds) => Effect.sync(() => signed(streamKey, `${STREAM_PREFIX}${grant.runId}:${grant.principalId}`, ttlSeconds)),
    verifyStream: token =>
      Effect.flatMap(verified(streamKey, token), subject => {
        const colon = subject.indexOf(":", STREAM_PREFIX.length)
        if (!subject.startsWith(STREAM_PREFIX) || colon < 0) return Effect.fail(notStreamToken())
        return Effect.succeed({ runId: subject.slice(STREAM_PREFIX.length, colon), principalId: subject.slice(colon + 1) })
      })
  }
}

/** Signed links (artifact downloads, event-stream tokens) under the configured signing key. */
export class SignedLinks extends Context.Tag("cts/SignedLinks")<SignedLinks, SignedLinksService>() {
  /** Keys from `CtsConfig.signingKey`. */
  static readonly layer: Layer.Layer<SignedLinks, never, CtsConfig> = Layer.effect(
    SignedLinks,
    Effect.map(CtsConfig, c => makeSignedLinks(c.signingKey))
  )
}
