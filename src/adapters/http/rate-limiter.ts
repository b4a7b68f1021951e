import type { RateLimit } from "./server-settings.js"

/** Outcome of one request against the limiter. */
export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number }

/** Token buckets per key (principal or client IP): `requests` per `windowMs`, refilled continuously. */
export interface RateLimiter {
  readonly take: (key: string, now?: number) => RateDecision
  /** Forgets buckets that are full again (bounded memory); returns how many were dropped. */
  readonly prune: (now?: number) => number
  readonly size: () => number
}

/** Creates a limiter; with `null` settings every request is allowed. */
export const createRateLimiter = (limit: RateLimit | null): RateLimiter => {
  if (limit === null) return { take: () => ({ allowed: true }), prune: () => 0, size: () => 0 }
  const perMs = limit.requests / limit.windowMs
  const buckets = new Map<string, { tokens: number; at: number }>()
  const refill = (b: { tokens: number; at: number }, now: number) => {
    b.tokens = Math.min(limit.requests, b.tokens + (now - b.at) * perMs)
    b.at = now
  }
  return {
    take: (key, now = Date.now()) => {
      let b = buckets.get(key)
      if (!b) buckets.set(key, (b = { tokens: limit.requests, at: now }))
      else refill(b, now)
      if (b.tokens >= 1) {
        b.tokens -= 1
        return { allowed: true }
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) }
    },
    prune: (now = Date.now()) => {
      let dropped = 0
      for (const [key, b] of buckets) {
        refill(b, now)
        if (b.tokens >= limit.requests) {
          buckets.delete(key)
          dropped++
        }
      }
      return dropped
    },
    size: () => buckets.size
  }
}
