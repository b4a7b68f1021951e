import { describe, expect, it } from "vitest"
import { createRateLimiter } from "../../src/adapters/http/rate-limiter.js"

describe("rate limiter", () => {
  it("allows the burst, then refuses with the time until the next token", () => {
    const limiter = createRateLimiter({ requests: 3, windowMs: 3000 })
    const t0 = 1_000_000
    expect([1, 2, 3].map(() => limiter.take("a", t0).allowed)).toEqual([true, true, true])
    expect(limiter.take("a", t0)).toEqual({ allowed: false, retryAfterSeconds: 1 })
    expect(limiter.take("b", t0).allowed).toBe(true)
    expect(limiter.take("a", t0 + 999).allowed).toBe(false)
    expect(limiter.take("a", t0 + 1000).allowed).toBe(true)
  })

  it("reports Retry-After in whole seconds for slow windows", () => {
    const limiter = createRateLimiter({ requests: 1, windowMs: 60_000 })
    expect(limiter.take("a", 0).allowed).toBe(true)
    expect(limiter.take("a", 0)).toEqual({ allowed: false, retryAfterSeconds: 60 })
    expect(limiter.take("a", 30_000)).toEqual({ allowed: false, retryAfterSeconds: 30 })
  })

  it("prunes buckets that have refilled, keeping memory bounded", () => {
    const limiter = createRateLimiter({ requests: 2, windowMs: 1000 })
    for (let i = 0; i < 100; i++) limiter.take(`ip:${i}`, 0), limiter.take(`ip:${i}`, 0)
    expect(limiter.size()).toBe(100)
    expect(limiter.prune(500)).toBe(0)
    expect(limiter.prune(1000)).toBe(100)
    expect(limiter.size()).toBe(0)
  })

  it("never limits when disabled", () => {
    const limiter = createRateLimiter(null)
    for (let i = 0; i < 10_000; i++) expect(limiter.take("x").allowed).toBe(true)
  })
})
