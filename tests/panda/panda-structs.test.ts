import { describe, expect, it } from "vitest"
import { CAN_HEALTH_SIZE, decodeCanHealth, decodeHealth, decodePacketVersions, HEALTH_SIZE } from "../../src/core/panda/panda-structs.js"

const bytes = (h: string) => Uint8Array.from(Buffer.from(h, "hex"))

/** Packets made with Python `struct.pack("<IIIIIIIIBBBBBHBBBHfBBHHHBH", …)` and `"<BIBBBBBBBBIIIIIIIHHBBBIIII"` (the firmware layouts). */
describe("health structs", () => {
  it("decodes the 59-byte health packet field by field", () => {
    expect(HEALTH_SIZE).toBe(59)
    const h = decodeHealth(bytes("100e0000762f0000360100000200000007000000000000000100000040000000010001010b490000000104000000803e1e030500e40c7206002a00"))
    expect(h).toMatchObject({
      uptime: 3600,
      voltage: 12150,
      current: 310,
      safetyTxBlocked: 2,
      safetyRxInvalid: 7,
      txBufferOverflow: 0,
      rxBufferOverflow: 1,
      faults: 0x40,
      ignitionLine: 1,
      ignitionCan: 0,
      controlsAllowed: 1,
      carHarnessStatus: 1,
      safetyMode: 11,
      safetyParam: 73,
      faultStatus: 0,
      powerSaveEnabled: 0,
      heartbeatLost: 1,
      alternativeExperience: 4,
      interruptLoad: 0.25,
      fanPower: 30,
      safetyRxChecksInvalid: 3,
      spiErrorCount: 5,
      sbu1mV: 3300,
      sbu2mV: 1650,
      somResetTriggered: 0,
      soundOutputLevel: 42
    })
  })

  it("decodes the 64-byte CAN health packet", () => {
    expect(CAN_HEALTH_SIZE).toBe(64)
    const c = decodeCanHealth(
      bytes("00020000000000030300000509110000000100000002000000e803000028d200000000000000000000f401d00701010028230000401f00000000000001000000")
    )
    expect(c).toMatchObject({
      busOffCount: 2,
      lastError: 3,
      receiveErrorCount: 5,
      transmitErrorCount: 9,
      totalErrorCount: 17,
      totalTxCount: 1000,
      totalRxCount: 53800,
      canSpeedKbps: 500,
      canDataSpeedKbps: 2000,
      canfdEnabled: 1,
      irq0CallRate: 9000,
      irq1CallRate: 8000,
      canCoreResetCount: 1
    })
  })

  it("refuses a short packet and decodes the version hashes little-endian", () => {
    expect(() => decodeHealth(new Uint8Array(58))).toThrow(/58 bytes, expected 59/)
    expect(decodePacketVersions(bytes("e29d3ff604000000"))).toEqual({ health: 0xf63f9de2, can: 4 })
  })
})
