import * as crypto from "node:crypto"
import { createHash, createPublicKey, type KeyObject } from "node:crypto"
import { jwtVerify, errors as joseErrors, type JWTVerifyOptions } from "jose"
import { ValidationError } from "../../core/errors.js"
import { ApiError } from "./api-error.js"
import { hasAuth, type ServerSettings } from "./server-settings.js"

/** Who a request acts for; runs, uploads and artifacts belong to it. */
export interface Principal {
  readonly id: string
  readonly via: "token" | "jwt" | "anonymous" | "stream-token"
}

/** The principal used when no auth is configured (loopback development). */
export const anonymousPrincipal: Principal = { id: "anonymous", via: "anonymous" }

/** Resolves the principal of a request from its `Authorization` header. */
export type Authenticator = (headers: Headers) => Promise<Principal>

/** Hex sha256 of a token, once per request: the one-shot `crypto.hash` (Node ≥ 20.12) where present, a Hash object before. */
const sha256: (s: string) => string =
  typeof crypto.hash === "function" ? s => crypto.hash("sha256", s, "hex") : s => createHash("sha256").update(s).digest("hex")

const unauthorized = (code: string, message: string) =>
  new ApiError(401, code, message, {
    suggestedAction: "Send `Authorization: Bearer <token>` with a configured static token or a valid JWT.",
    headers: { "www-authenticate": `Bearer realm="cts", error="invalid_token"` }
  })

const rsaPublicKey = (pem: string): KeyObject => {
  let key: KeyObject | null = null
  try {
    key = createPublicKey(pem)
  } catch {}
  if (key?.asymmetricKeyType !== "rsa") {
    throw new ValidationError({
      code: "invalid_config",
      message: "CTS_JWT_PUBLIC_KEY is not an RSA public key (RS256 needs one).",
      suggestedAction: "Provide the PEM `-----BEGIN PUBLIC KEY-----` block of an RSA key, or the path of a file holding it."
    })
  }
  return key
}

/** Prefix of every JWT principal id; static token names may not start with it, so the two never share an owner. */
export const JWT_PRINCIPAL_PREFIX = "jwt:"

/** A JWT's principal: `jwt:<iss, percent-encoded>:<sub>`, apart from static-token principals (bare names) and from other issuers. */
export const jwtPrincipalId = (iss: string | undefined, sub: string): string => `${JWT_PRINCIPAL_PREFIX}${encodeURIComponent(iss ?? "")}:${sub}`

/** `sub` values accepted: visible ASCII (no control characters, spaces, NUL, CR/LF), no path separators. */
const isAcceptableSubject = (sub: unknown): sub is string => typeof sub === "string" && /^[\x21-\x7e]{1,255}$/.test(sub) && !/[/\\]/.test(sub)

/** Verified JWTs remembered (by their sha256) so a client reusing one is not verified again on every request. */
export const JWT_CACHE_SIZE = 1024
/** Longest a verified JWT is trusted without verifying it again (it is never trusted past its `exp`). */
export const JWT_CACHE_MS = 60_000

/** Static tokens (looked up by their sha256) and JWTs (HS256 with a secret, RS256 with a public key); a bad key throws a ValidationError. */
export const createAuthenticator = (settings: ServerSettings): Authenticator => {
  if (!hasAuth(settings)) return async () => anonymousPrincipal
  const clash = settings.tokens.find(t => t.principal.startsWith(JWT_PRINCIPAL_PREFIX))
  if (clash !== undefined) {
    throw new ValidationError({
      code: "invalid_config",
      message: `Static token principal "${clash.principal}" starts with "${JWT_PRINCIPAL_PREFIX}", which is reserved for JWT principals.`,
      suggestedAction: "Rename the principal in CTS_TOKENS."
    })
  }
  const byHash = new Map(settings.tokens.map(t => [sha256(t.token), t.principal]))
  const hsKey = settings.jwtSecret ? new TextEncoder().encode(settings.jwtSecret) : null
  const rsKey = settings.jwtPublicKey ? rsaPublicKey(settings.jwtPublicKey) : null
  const verifyOptions: JWTVerifyOptions = {
    ...(settings.jwtIssuer ? { issuer: settings.jwtIssuer } : {}),
    ...(settings.jwtAudience ? { audience: settings.jwtAudience } : {}),
    requiredClaims: ["sub", "exp"]
  }
  const maxLifetime = settings.jwtMaxLifetimeSeconds

  const verified = new Map<string, { readonly principal: Principal; readonly until: number }>()
  const remember = (key: string, principal: Principal, exp: number | undefined) => {
    const until = Math.min(Date.now() + JWT_CACHE_MS, exp !== undefined ? exp * 1000 : Infinity)
    if (verified.size >= JWT_CACHE_SIZE) verified.delete(verified.keys().next().value!)
    verified.set(key, { principal, until })
  }

  const verifyJwt = async (jwt: string, key: string): Promise<Principal> => {
    const known = verified.get(key)
    if (known !== undefined) {
      if (known.until > Date.now()) return known.principal
      verified.delete(key)
    }
    try {
      const alg = JSON.parse(Buffer.from(jwt.split(".")[0]!, "base64url").toString("utf8")).alg
      const secret = alg === "HS256" ? hsKey : alg === "RS256" ? rsKey : null
      if (secret === null) throw unauthorized("unsupported_token", `JWT algorithm ${JSON.stringify(alg)} is not accepted by this server.`)
      const { payload } = await jwtVerify(jwt, secret, { ...verifyOptions, algorithms: [alg] })
      if (!isAcceptableSubject(payload.sub)) {
        throw unauthorized("invalid_token", "The JWT subject (sub) must be 1 to 255 visible ASCII characters without '/' or '\\'.")
      }
      const lifetime = payload.exp! - (payload.iat ?? Math.floor(Date.now() / 1000))
      if (lifetime > maxLifetime || payload.exp! - Date.now() / 1000 > maxLifetime) {
        throw unauthorized("token_lifetime_too_long", `The JWT is valid for longer than this server accepts (${maxLifetime} s).`)
      }
      const principal: Principal = { id: jwtPrincipalId(payload.iss, payload.sub), via: "jwt" }
      remember(key, principal, payload.exp)
      return principal
    } catch (error) {
      if (error instanceof ApiError) throw error
      if (error instanceof joseErrors.JWTExpired) throw unauthorized("token_expired", "The JWT has expired.")
      if (error instanceof joseErrors.JWTClaimValidationFailed)
        throw unauthorized("invalid_token", `The JWT claim "${error.claim}" is not accepted: ${error.reason}.`)
      throw unauthorized("invalid_token", "The bearer token is not valid.")
    }
  }

  return async headers => {
    const header = headers.get("authorization")
    if (!header) throw unauthorized("unauthorized", "This endpoint needs authentication.")
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!match) throw unauthorized("unauthorized", "The Authorization header must be `Bearer <token>`.")
    const token = match[1]!
    const hash = sha256(token)
    const principal = byHash.get(hash)
    if (principal !== undefined) return { id: principal, via: "token" }
    if (token.split(".").length === 3 && (hsKey || rsKey)) return verifyJwt(token, hash)
    throw unauthorized("invalid_token", "The bearer token is not valid.")
  }
}
