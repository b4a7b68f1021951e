import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { createCanUnpacker, DLC_TO_LEN, packCanPacket, packCanTransfers, type PacketFrame } from "../../src/core/panda/can-packet.js"

const hex = (u: Uint8Array) => Buffer.from(u).toString("hex")
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, "hex"))

/** Expected bytes built with Python's struct/bit operations from the CANPacket v4 layout of PANDA.md. */
describe("CANPacket v4 bytes", () => {
  it("packs an 11-bit returned frame, a 29-bit frame and a CAN-FD frame as the layout says", () => {
    expect(hex(packCanPacket({ bus: 0, address: 0x2e4, data: bytes("BE000000A9000000"), returned: true }))).toBe("8022170000a2be000000a9000000")
    expect(hex(packCanPacket({ bus: 2, address: 0x18daf110, data: Uint8Array.of(2, 0x10, 3) }))).toBe("348488d7c638021003")
    expect(hex(packCanPacket({ bus: 1, address: 0x123, data: Uint8Array.from({ length: 12 }, (_, i) => i) }))).toBe("931809000082000102030405060708090a0b")
  })

  it("unpacks returned as src bus+128 and rejected as bus+192", () => {
    const u = createCanUnpacker()
    const buf = Uint8Array.from([
      ...packCanPacket({ bus: 1, address: 0x221, data: Uint8Array.of(1), returned: true }),
      ...packCanPacket({ bus: 2, address: 0x222, data: Uint8Array.of(2), rejected: true })
    ])
    const { frames } = u.push(buf, 5)
    expect(frames.map(f => [f.src, f.bus, f.echo, f.rejected, f.address, f.timeNs])).toEqual([
      [129, 1, true, false, 0x221, 5],
      [194, 2, false, true, 0x222, 5]
    ])
  })

  it("refuses a payload length outside the DLC table and an address over 29 bits", () => {
    expect(() => packCanPacket({ bus: 0, address: 1, data: new Uint8Array(9) })).toThrow(/DLC table/)
    expect(() => packCanPacket({ bus: 0, address: 0x20000000, data: new Uint8Array(1) })).toThrow(/identifier/)
  })

  it("counts a checksum failure, drops the buffered bytes and goes on with the next transfer", () => {
    const u = createCanUnpacker()
    const good = packCanPacket({ bus: 0, address: 0x40, data: Uint8Array.of(1, 2, 3) })
    const bad = packCanPacket({ bus: 0, address: 0x41, data: Uint8Array.of(4) })
    bad[6] ^= 0x10
    const r1 = u.push(Uint8Array.from([...good, ...bad, ...good]), 0)
    expect(r1.frames.map(f => f.address)).toEqual([0x40])
    expect(r1.checksumErrors).toBe(1)
    expect(u.pending).toBe(0)
    const r2 = u.push(good, 1)
    expect(r2.frames.map(f => f.address)).toEqual([0x40])
    expect(r2.checksumErrors).toBe(0)
  })

  it("splits sends after 256 bytes and at 51 packets", () => {
    const big = Array.from({ length: 10 }, (_, i): PacketFrame => ({ bus: 0, address: i, data: new Uint8Array(64) }))
    expect(packCanTransfers(big).map(t => t.length)).toEqual([280, 280, 140])
    const small = Array.from({ length: 60 }, (_, i): PacketFrame => ({ bus: 0, address: i, data: new Uint8Array(0) }))
    expect(packCanTransfers(small).map(t => t.length / 6)).toEqual([43, 17])
  })
})

const frameArb = fc.record({
  bus: fc.integer({ min: 0, max: 2 }),
  address: fc.oneof(fc.integer({ min: 0, max: 0x7ff }), fc.integer({ min: 0x800, max: 0x1fffffff })),
  data: fc.constantFrom(...DLC_TO_LEN).chain(n => fc.uint8Array({ minLength: n, maxLength: n })),
  flag: fc.constantFrom("none", "returned", "rejected")
})

describe("CANPacket property", () => {
  it("any frames packed and cut at random transfer boundaries unpack to the same list", () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 80 }), fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 20 }), (frames, cuts) => {
        const wire = Uint8Array.from(frames.flatMap(f => [...packCanPacket({ ...f, returned: f.flag === "returned", rejected: f.flag === "rejected" })]))
        const u = createCanUnpacker()
        const out: Array<{ src: number; address: number; data: string }> = []
        let at = 0
        let i = 0
        while (at < wire.length) {
          const end = Math.min(wire.length, at + cuts[i++ % cuts.length])
          const r = u.push(wire.subarray(at, end), 0)
          expect(r.checksumErrors).toBe(0)
          out.push(...r.frames.map(f => ({ src: f.src, address: f.address, data: hex(f.data) })))
          at = end
        }
        expect(u.pending).toBe(0)
        expect(out).toEqual(
          frames.map(f => ({ src: f.bus + (f.flag === "returned" ? 128 : f.flag === "rejected" ? 192 : 0), address: f.address, data: hex(f.data) }))
        )
      }),
      { numRuns: 300 }
    )
  })
})
