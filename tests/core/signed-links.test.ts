import { createHmac } from "node:crypto"
import { expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { SignedLinks } from "../../src/core/artifacts/signed-links.js"
import { testConfigLayer } from "../support/test-config.js"

// testConfigLayer's signing key; tokens are checked against an HMAC computed here, not against our own signer.
const key = "k".repeat(32)
const mac = (k: string, payload: string) => createHmac("sha256", k).update(payload).digest("base64url")
const payloadOf = (token: string) => Buffer.from(token.split(".")[0]!, "base64url").toString("utf8")

layer(SignedLinks.layer.pipe(Layer.provide(testConfigLayer("/tmp/cts-signed-links"))))("SignedLinks under the configured signing key", it => {
  it.effect("an artifact link is base64url(id.expiry).HMAC-SHA256 under the signing key, valid until its whole-second expiry", () =>
    Effect.gen(function* () {
      const links = yield* SignedLinks
      const before = Date.now()
      const link = yield* links.signArtifact("art_01", 60)
      const [id, expiry] = payloadOf(link.token).split(".")
      expect(id).toBe("art_01")
      expect(Number(expiry) * 1000).toBe(Date.parse(link.expiresAt))
      expect(Number(expiry)).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 59)
      expect(link.token.split(".")[1]).toBe(mac(key, payloadOf(link.token)))
      expect(yield* links.verifyArtifact(link.token)).toBe("art_01")
      for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(yield* Effect.flip(links.signArtifact("art_01", ttl))).toMatchObject({ code: "invalid_ttl" })
      }
    })
  )

  it.effect("stream tokens carry run and principal under a derived key: neither kind verifies as the other", () =>
    Effect.gen(function* () {
      const links = yield* SignedLinks
      const stream = yield* links.signStream({ runId: "run_1", principalId: "alice:team" }, 300)
      expect(yield* links.verifyStream(stream.token)).toEqual({ runId: "run_1", principalId: "alice:team" })
      expect(yield* Effect.flip(links.verifyArtifact(stream.token))).toMatchObject({ code: "invalid_token" })
      const artifact = yield* links.signArtifact("stream:run_1:alice", 300)
      expect(yield* Effect.flip(links.verifyStream(artifact.token))).toMatchObject({ code: "invalid_token" })
      const expiredPayload = `stream:run_1:alice.${Math.floor(Date.now() / 1000) - 5}`
      const expired = `${Buffer.from(expiredPayload).toString("base64url")}.${mac(`${key}\u0000stream-token`, expiredPayload)}`
      expect(yield* Effect.flip(links.verifyStream(expired))).toMatchObject({ code: "token_expired" })
    })
  )
})
