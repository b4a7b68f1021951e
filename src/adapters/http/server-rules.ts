import { readFileSync } from "node:fs"
import { flag, list, type Rule } from "../../core/config-rules.js"
import type { RateLimit, ServerSettings, StaticToken } from "./server-settings.js"

const windowUnits: Record<string, number> = { s: 1000, sec: 1000, second: 1000, m: 60_000, min: 60_000, minute: 60_000, h: 3_600_000, hour: 3_600_000 }
/** `off`, `120` (per minute), `50/s`, `600/min`, `100/10s`, `5000/h`; a file may also say `0` or `false`. */
export const rateLimitRule: Rule<RateLimit | null> = {
  expected: "off, a number per minute, or N/s, N/min, N/h, N/10s",
  fileKinds: ["number", "boolean"],
  parse: raw => {
    const s = raw.toLowerCase()
    if (s === "off" || s === "0" || s === "none" || s === "false") return null
    const m = /^(\d+)(?:\s*\/\s*(\d*)\s*([a-z]+))?$/.exec(s)
    const unit = m?.[3] === undefined ? 60_000 : windowUnits[m[3]]
    const count = m?.[2] ? Number(m[2]) : 1
    return m && unit !== undefined && Number(m[1]) > 0 && count > 0 ? { requests: Number(m[1]), windowMs: count * unit } : undefined
  }
}

const principalRe = /^[A-Za-z0-9._@:-]{1,128}$/
const entries = list()
const tokenOf = (entry: string): StaticToken => {
  const eq = entry.indexOf("=")
  return eq > 0 ? { principal: entry.slice(0, eq), token: entry.slice(eq + 1) } : { principal: "default", token: entry }
}
/** `alice=tok1,bob=tok2` (or a bare token for principal `default`); arrays of the same in files. Tokens are never shown. */
export const tokensRule: Rule<ReadonlyArray<StaticToken>> = {
  expected: "entries of principal=token (principal: letters, digits, . _ @ : -, not starting with jwt:; tokens of at least 16 characters)",
  separator: ",",
  fileKinds: ["array"],
  parse: raw => {
    const tokens = entries.parse(raw)!.map(tokenOf)
    return tokens.every(t => principalRe.test(t.principal) && !t.principal.startsWith("jwt:") && t.token.length >= 16) ? tokens : undefined
  },
  show: raw =>
    entries
      .parse(raw)!
      .map(e => `${tokenOf(e).principal}=…`)
      .join(",")
}

/** An HS256 secret of at least 32 characters (never shown). */
export const jwtSecretRule: Rule<string> = {
  expected: "a secret of at least 32 characters",
  parse: raw => (raw.length >= 32 ? raw : undefined),
  show: () => "…"
}

/** SPKI PEM text, or the path of a readable PEM file (its text). */
export const pemOrFileRule: Rule<string> = {
  expected: "a PEM public key or the path of a readable PEM file",
  parse: raw => {
    if (raw.startsWith("-----BEGIN")) return raw
    try {
      return readFileSync(raw, "utf8")
    } catch {
      return undefined
    }
  },
  show: raw => (raw.startsWith("-----BEGIN") ? raw.slice(0, 40) + "…" : raw)
}

/** `true`/`false`, `loopback`, or a comma list (array) of proxy addresses. */
export const trustProxyRule: Rule<ServerSettings["trustProxy"]> = {
  expected: "true, false, loopback or a comma-separated list of proxy IPs",
  separator: ",",
  fileKinds: ["boolean", "array"],
  parse: raw => (raw === "loopback" ? "loopback" : (flag.parse(raw) ?? entries.parse(raw)))
}
