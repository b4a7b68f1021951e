import { Effect } from "effect"
import { ValidationError, type CtsError } from "../errors.js"
import type { ArtifactMeta, ArtifactStoreService } from "./artifact-store.js"
import { signToken, verifyToken } from "./signed-token.js"

/** `signUrl` and `verifyToken` of a store: HMAC tokens under `signingKey`, signed only for artifacts `stat` finds. */
export const tokenMethods = (
  signingKey: string,
  stat: (id: string) => Effect.Effect<ArtifactMeta, CtsError>
): Pick<ArtifactStoreService, "signUrl" | "verifyToken"> => ({
  signUrl: (id, ttlSeconds) =>
    Effect.gen(function* () {
      if (!(ttlSeconds > 0) || !Number.isFinite(ttlSeconds)) {
        return yield* new ValidationError({ code: "invalid_ttl", message: `ttlSeconds must be a positive number, got ${ttlSeconds}` })
      }
      yield* stat(id)
      const expiresAtMs = Date.now() + Math.ceil(ttlSeconds) * 1000
      return { token: signToken(signingKey, id, expiresAtMs), expiresAt: new Date(Math.floor(expiresAtMs / 1000) * 1000).toISOString() }
    }),
  verifyToken: token => Effect.try({ try: () => verifyToken(signingKey, token), catch: e => e as ValidationError })
})
