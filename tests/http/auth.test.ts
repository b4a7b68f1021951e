import { generateKeyPairSync } from "node:crypto"
import { SignJWT, base64url } from "jose"
import { describe, expect, it } from "vitest"
import { ApiError } from "../../src/adapters/http/api-error.js"
import { createAuthenticator } from "../../src/adapters/http/auth.js"
import { presetDefaults, type ServerSettings } from "../../src/adapters/http/server-settings.js"

const secret = "s".repeat(40)
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 })
const otherRsa = generateKeyPairSync("rsa", { modulusLength: 2048 })
const settings: ServerSettings = {
  ...presetDefaults.dev,
  tokens: [{ principal: "alice", token: "alice-token-0123456789" }],
  jwtSecret: secret,
  jwtPublicKey: rsa.publicKey.export({ type: "spki", format: "pem" }).toString(),
  jwtIssuer: "https://issuer.example",
  jwtAudience: "cts"
}
const auth = createAuthenticator(settings)
const bearer = (t: string) => new Headers({ authorization: `Bearer ${t}` })
const hs = (claims: Record<string, unknown>, exp: string | number = "5m") =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer("https://issuer.example")
    .setAudience("cts")
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret))

const failure = async (p: Promise<unknown>) => {
  try {
    await p
  } catch (e) {
    return e as ApiError
  }
  throw new Error("expected a failure")
}

describe("authentication", () => {
  it("maps a static token to its principal", async () => {
    expect(await auth(bearer("alice-token-0123456789"))).toEqual({ id: "alice", via: "token" })
  })

  it("accepts HS256 and RS256 JWTs with the configured issuer and audience; the principal is jwt:<iss>:<sub>", async () => {
    expect(await auth(bearer(await hs({ sub: "bob" })))).toEqual({ id: "jwt:https%3A%2F%2Fissuer.example:bob", via: "jwt" })
    const rs = await new SignJWT({ sub: "carol" })
      .setProtectedHeader({ alg: "RS256" })
      .setIssuer("https://issuer.example")
      .setAudience("cts")
      .setExpirationTime("5m")
      .sign(rsa.privateKey)
    expect(await auth(bearer(rs))).toEqual({ id: "jwt:https%3A%2F%2Fissuer.example:carol", via: "jwt" })
  })

  it("refuses missing, unknown, expired, wrongly signed, alg=none and sub-less credentials with 401", async () => {
    const cases: Array<[string, () => Promise<unknown>]> = [
      ["unauthorized", async () => auth(new Headers())],
      ["unauthorized", async () => auth(new Headers({ authorization: "Basic YTpi" }))],
      ["invalid_token", async () => auth(bearer("nope-nope-nope-nope"))],
      ["token_expired", async () => auth(bearer(await hs({ sub: "bob" }, Math.floor(Date.now() / 1000) - 60)))],
      ["invalid_token", async () => auth(bearer((await hs({ sub: "bob" })).slice(0, -3) + "AAA"))],
      [
        "invalid_token",
        async () =>
          auth(
            bearer(
              await new SignJWT({ sub: "x" })
                .setProtectedHeader({ alg: "RS256" })
                .setIssuer("https://issuer.example")
                .setAudience("cts")
                .setExpirationTime("5m")
                .sign(otherRsa.privateKey)
            )
          )
      ],
      [
        "invalid_token",
        async () =>
          auth(
            bearer(
              await new SignJWT({ sub: "x" })
                .setProtectedHeader({ alg: "HS256" })
                .setIssuer("https://other.example")
                .setAudience("cts")
                .setExpirationTime("5m")
                .sign(new TextEncoder().encode(secret))
            )
          )
      ],
      [
        "invalid_token",
        async () =>
          auth(
            bearer(
              await new SignJWT({})
                .setProtectedHeader({ alg: "HS256" })
                .setIssuer("https://issuer.example")
                .setAudience("cts")
                .setExpirationTime("5m")
                .sign(new TextEncoder().encode(secret))
            )
          )
      ],
      [
        "unsupported_token",
        async () => auth(bearer(`${base64url.encode(JSON.stringify({ alg: "none" }))}.${base64url.encode(JSON.stringify({ sub: "root" }))}.x`))
      ]
    ]
    for (const [code, attempt] of cases) {
      const error = await failure(attempt())
      expect(error).toBeInstanceOf(ApiError)
      expect({ status: error.status, code: error.code }).toEqual({ status: 401, code })
      expect(error.toResponse().headers.get("www-authenticate")).toMatch(/^Bearer/)
    }
  })

  it("is anonymous when no auth is configured", async () => {
    expect(await createAuthenticator(presetDefaults.dev)(new Headers())).toEqual({ id: "anonymous", via: "anonymous" })
  })

  it("refuses a JWT public key that is not RSA", () => {
    expect(() => createAuthenticator({ ...settings, jwtPublicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----" })).toThrow(/RSA public key/)
  })
})
