import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { diffAndStorePayload, storePayload } from "../../src/core/can/payload-diff.js"

const bitOf = (bytes: ArrayLike<number>, length: number, g: number) => (g >> 3 < length ? (bytes[g >> 3] >> (g & 7)) & 1 : 0)

/** Bit-by-bit reference: every global bit where the zero-padded payloads differ, rising when the new one is 1. */
const referenceDiff = (prev: Uint8Array, next: Uint8Array) => {
  const out: number[] = []
  for (let g = 0; g < 8 * Math.max(prev.length, next.length); g++) {
    const a = bitOf(prev, prev.length, g)
    const b = bitOf(next, next.length, g)
    if (a !== b) out.push((g << 1) | b)
  }
  return out
}

const payload = fc.uint8Array({ minLength: 0, maxLength: 64 })

describe("diffAndStorePayload", () => {
  it("reports exactly the differing bits in ascending order and leaves the new payload stored (zero-padded)", () => {
    fc.assert(
      fc.property(payload, payload, fc.nat(3), (prev, next, slot) => {
        const stored = new Uint8Array(4 * 64).fill(0xa5)
        const offset = slot * 64
        stored.fill(0, offset, offset + 64)
        storePayload(stored, offset, 0, prev, prev.length)
        const out = new Uint32Array(512)
        const count = diffAndStorePayload(stored, offset, prev.length, next, next.length, out)
        expect([...out.subarray(0, count)]).toEqual(referenceDiff(prev, next))
        const expected = new Uint8Array(64)
        expected.set(next)
        expect([...stored.subarray(offset, offset + 64)]).toEqual([...expected])
        for (let s = 0; s < 4; s++) if (s !== slot) expect(stored.subarray(s * 64, s * 64 + 64).every(b => b === 0xa5)).toBe(true)
      })
    )
  })

  it("finds Cruise_Buttons Set (0x146 bit 43) rising and falling between two real payloads", () => {
    const idle = Uint8Array.from([0x5c, 0x03, 0, 0, 0, 0, 0, 0])
    const set = Uint8Array.from([0x5c, 0x03, 0, 0, 0, 0x08, 0, 0])
    const stored = new Uint8Array(8)
    storePayload(stored, 0, 0, idle, 8)
    const out = new Uint32Array(64)
    expect([...out.subarray(0, diffAndStorePayload(stored, 0, 8, set, 8, out))]).toEqual([(43 << 1) | 1])
    expect([...out.subarray(0, diffAndStorePayload(stored, 0, 8, idle, 8, out))]).toEqual([43 << 1])
  })
})
