import { createHmac, timingSafeEqual } from "node:crypto"
import { ValidationError } from "../errors.js"

const mac = (key: string, payload: string): Buffer => createHmac("sha256", key).update(payload).digest()

/** Signs `id` until `expiresAtMs`: `base64url("<id>.<expiry seconds>").base64url(HMAC-SHA256)`. */
export const signToken = (key: string, id: string, expiresAtMs: number): string => {
  const payload = `${id}.${Math.floor(expiresAtMs / 1000)}`
  return `${Buffer.from(payload).toString("base64url")}.${mac(key, payload).toString("base64url")}`
}

/** The bytes of `text` when it is exactly the unpadded base64url that `signToken` writes for them; any other spelling is null. */
const canonicalBase64url = (text: string): Buffer | null => {
  const bytes = Buffer.from(text, "base64url")
  return bytes.toString("base64url") === text ? bytes : null
}

const invalidToken = () =>
  new ValidationError({
    code: "invalid_token",
    message: "The download token is malformed or its signature does not match",
    suggestedAction: "Request a new signed URL for the artifact"
  })

/** Returns the artifact id a token was signed for; `invalid_token` when forged or malformed, `token_expired` when past its expiry. */
export const verifyToken = (key: string, token: string, nowMs: number = Date.now()): string => {
  if (typeof token !== "string" || token.length > 2048) throw invalidToken()
  const parts = token.split(".")
  if (parts.length !== 2) throw invalidToken()
  const payloadBytes = canonicalBase64url(parts[0]!)
  const given = canonicalBase64url(parts[1]!)
  if (payloadBytes === null || given === null) throw invalidToken()
  const payload = payloadBytes.toString("utf8")
  const expected = mac(key, payload)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidToken()
  const dot = payload.lastIndexOf(".")
  const id = payload.slice(0, dot)
  const expiry = Number(payload.slice(dot + 1))
  if (dot <= 0 || !Number.isInteger(expiry)) throw invalidToken()
  if (expiry * 1000 <= nowMs) {
    throw new ValidationError({
      code: "token_expired",
      message: `The download token expired at ${new Date(expiry * 1000).toISOString()}`,
      suggestedAction: "Request a new signed URL for the artifact"
    })
  }
  return id
}
