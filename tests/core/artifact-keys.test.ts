import path from "node:path"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { isSafeName, normalizeKey, safeFileName } from "../../src/core/artifacts/artifact-keys.js"
import { ValidationError } from "../../src/core/errors.js"

const root = path.resolve("/srv/cts/artifacts")
const tryKey = (raw: string) => {
  try {
    return { ok: true as const, key: normalizeKey(raw) }
  } catch (e) {
    return { ok: false as const, error: e }
  }
}

const hostile = fc.constantFrom("..", ".", "/", "\\", "%2e", "%2f", "%5c", "%252e", "\0", "~", ":", "C:", "\u2025", "\uff0e", "a", "b.csv", "runs", " ", "\n")
const hostileKey = fc.array(hostile, { maxLength: 12 }).map(parts => parts.join(""))

describe("normalizeKey", () => {
  it("never yields a key that resolves outside the store, and is idempotent", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.fullUnicodeString({ maxLength: 40 }), hostileKey), raw => {
        const r = tryKey(raw)
        if (!r.ok) {
          expect(r.error).toBeInstanceOf(ValidationError)
          expect((r.error as ValidationError).code).toBe("invalid_key")
          return
        }
        const resolved = path.resolve(root, r.key)
        expect(resolved.startsWith(root + path.sep)).toBe(true)
        expect(r.key.split("/")).not.toContain("..")
        expect(r.key).not.toMatch(/[\\%\0]/)
        expect(normalizeKey(r.key)).toBe(r.key)
      }),
      { numRuns: 3000 }
    )
  })

  it.each([
    ["../etc/passwd"],
    ["runs/../../x"],
    ["/etc/passwd"],
    ["runs\\..\\x"],
    ["runs/%2e%2e/x"],
    ["%2e%2e%2fetc"],
    ["a\0b"],
    ["..%2f"],
    ["runs/.hidden"],
    [""],
    ["C:\\x"]
  ])("rejects %j", raw => {
    const r = tryKey(raw)
    expect(r.ok).toBe(false)
  })

  it("normalises redundant separators and dot segments", () => {
    expect(normalizeKey("runs//run_1/./out.csv")).toBe("runs/run_1/out.csv")
    expect(normalizeKey("uploads/u1/drive (1).rlog.zst")).toBe("uploads/u1/drive (1).rlog.zst")
  })
})

describe("safeFileName", () => {
  it("always produces one safe key segment", () => {
    fc.assert(
      fc.property(fc.fullUnicodeString({ maxLength: 300 }), name => {
        const safe = safeFileName(name)
        expect(isSafeName(safe)).toBe(true)
        expect(normalizeKey(safe)).toBe(safe)
      }),
      { numRuns: 2000 }
    )
  })

  it("keeps ordinary names and strips directories", () => {
    expect(safeFileName("cruise_signals.csv")).toBe("cruise_signals.csv")
    expect(safeFileName("../../etc/passwd")).toBe("passwd")
    expect(safeFileName("C:\\Users\\me\\rlog.bz2")).toBe("rlog.bz2")
    expect(safeFileName("..")).toBe("file")
  })
})
