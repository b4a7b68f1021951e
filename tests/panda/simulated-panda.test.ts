import { describe, expect, it } from "vitest"
import type { CanFrame } from "../../src/core/can/can-frame.js"
import { isCtsError } from "../../src/core/errors.js"
import { fileSource } from "../../src/core/log/node-file-source.js"
import { openLog } from "../../src/core/log/open-log.js"
import { PandaConnection } from "../../src/core/panda/panda-connection.js"
import { PandaRequest, SafetyMode } from "../../src/core/panda/panda-protocol.js"
import { createSimulatedPanda } from "../../src/core/panda/simulated-panda.js"
import { oracleRows } from "../support/oracle.js"
import { rlogPath } from "../support/shared-data.js"
import { firstSeconds, oracleRowsNoTime, rowOf, simulateFixture } from "./sim-support.js"

/** Receives until the simulated panda unplugs at the end; returns the frames and the ending error. */
const receiveAll = async (conn: PandaConnection): Promise<{ frames: CanFrame[]; error: unknown }> => {
  const frames: CanFrame[] = []
  try {
    for await (const batch of conn.frames()) frames.push(...batch)
  } catch (error) {
    return { frames, error }
  }
  return { frames, error: undefined }
}

describe("simulated panda over the real protocol path", () => {
  it("delivers exactly the oracle's frames of the Subaru drive (src 128 echoes included, sendcan not), cut across transfers", async () => {
    const sim = simulateFixture("subaru_cruise_demo.rlog.zst", { transferBytes: 1000, atEnd: "unplug" })
    const conn = await PandaConnection.connect(sim.device)
    const { frames, error } = await receiveAll(conn)
    expect(error).toMatchObject({ _tag: "ToolError", code: "device_lost" })
    const oracle = oracleRowsNoTime("subaru_cruise_demo")
    expect(frames.length).toBe(101_640)
    expect(frames.map(rowOf)).toEqual(oracle)
    expect(conn.stats.checksumErrors).toBe(0)
    expect(frames.filter(f => f.echo).length).toBe(2_400)
  })

  it("delivers the RAV4 segment's 135,468 frames (src 128/129 returned) in oracle order", async () => {
    const sim = simulateFixture("rav4_seg40.rlog.zst", { atEnd: "unplug" })
    const conn = await PandaConnection.connect(sim.device)
    const { frames } = await receiveAll(conn)
    expect(frames.map(rowOf)).toEqual(oracleRowsNoTime("rav4_seg40"))
  })

  it("runs the connect sequence of the python library and stays read-only", async () => {
    const sim = simulateFixture("subaru_cruise_demo.rlog.zst")
    const conn = await PandaConnection.connect(sim.device)
    expect(sim.requests.map(r => r.request).slice(0, 12)).toEqual([
      PandaRequest.packetVersions,
      PandaRequest.hwType,
      PandaRequest.firmwareVersion,
      PandaRequest.disableHeartbeatChecks,
      PandaRequest.powerSave,
      PandaRequest.resetCanComms,
      0xe8,
      0xde,
      0xe8,
      0xde,
      0xe8,
      0xde
    ])
    expect(sim.requests.filter(r => r.request === 0xde).map(r => [r.value, r.index])).toEqual([
      [0, 5000],
      [1, 5000],
      [2, 5000]
    ])
    expect(conn.info).toMatchObject({ serial: "5ab0c0de5ab0c0de5ab0c0de", hwTypeName: "tres", packetVersions: { health: 0xf63f9de2 } })
    await expect(conn.setSafetyMode(SafetyMode.allOutput)).rejects.toMatchObject({ code: "panda_read_only" })
    await expect(conn.send([{ bus: 0, address: 0x123, data: Uint8Array.of(1) }])).rejects.toMatchObject({ code: "panda_read_only" })
    expect(sim.safetyMode()).toBe(SafetyMode.silent)
    const health = await conn.health()
    expect(health).toMatchObject({ voltage: 12_150, safetyMode: SafetyMode.silent, ignitionLine: 1 })
    await conn.close()
  })

  it("with allowSending, sends go out in transfers and come back as returned (+128) frames", async () => {
    const sim = createSimulatedPanda((async function* () {})(), {})
    const conn = await PandaConnection.connect(sim.device, { allowSending: true })
    await conn.setSafetyMode(SafetyMode.allOutput)
    const data = Uint8Array.of(0xde, 0xad, 0xbe, 0xef)
    await conn.send([
      { bus: 0, address: 0x221, data },
      { bus: 2, address: 0x18daf110, data: new Uint8Array(64) }
    ])
    expect(sim.sent.map(rowOf)).toEqual(["0,0x221,DEADBEEF", `2,0x18DAF110,${"00".repeat(64)}`])
    const back = await conn.receiveBatch()
    expect(back.map(rowOf)).toEqual(["128,0x221,DEADBEEF", `130,0x18DAF110,${"00".repeat(64)}`])
    await expect(conn.send([{ bus: 3, address: 1, data }])).rejects.toMatchObject({ code: "invalid_bus" })
    await expect(conn.send([{ bus: 0, address: 1, data: new Uint8Array(9) }])).rejects.toMatchObject({ code: "invalid_can_frame" })
  })

  it("replays at recorded pace: the first 0.5 s of the drive takes at least 0.45 s at speed 1 and a tenth of that at speed 10", async () => {
    for (const speed of [1, 10]) {
      const sim = createSimulatedPanda(firstSeconds(openLog(fileSource(rlogPath("subaru_cruise_demo.rlog.zst"))).frames(), 0.5), { speed, atEnd: "unplug" })
      const conn = await PandaConnection.connect(sim.device)
      const t0 = performance.now()
      const { frames } = await receiveAll(conn)
      const elapsed = (performance.now() - t0) / 1000
      const expected = oracleRows("subaru_cruise_demo.frames.csv").filter(r => Number(r.split(",")[0]) - 52347120000000 <= 0.5e9).length
      expect(frames.length).toBe(expected)
      expect(elapsed).toBeGreaterThanOrEqual(0.45 / speed)
    }
  })
})

describe("simulated panda faults", () => {
  it("a corrupt packet is counted, CAN comms are reset, and the stream goes on with the rest of the oracle", async () => {
    const sim = simulateFixture("subaru_cruise_demo.rlog.zst", { corruptFrames: [5000], transferBytes: 512, atEnd: "unplug" })
    const conn = await PandaConnection.connect(sim.device)
    const { frames } = await receiveAll(conn)
    expect(conn.stats.checksumErrors).toBe(1)
    expect(sim.requests.filter(r => r.request === PandaRequest.resetCanComms).length).toBe(2)
    const oracle = oracleRowsNoTime("subaru_cruise_demo")
    const rows = frames.map(rowOf)
    expect(rows.slice(0, 4990)).toEqual(oracle.slice(0, 4990))
    const lost = oracle.length - rows.length
    expect(lost).toBeGreaterThan(0)
    expect(lost).toBeLessThan((512 / 6) * 2)
    expect(rows.slice(5000 - lost + 100)).toEqual(oracle.slice(5100))
  })

  it("unplugged mid-stream ends with device_lost after the frames delivered before it", async () => {
    const sim = simulateFixture("subaru_cruise_demo.rlog.zst", { unplugAfterFrames: 20_000 })
    const conn = await PandaConnection.connect(sim.device)
    const { frames, error } = await receiveAll(conn)
    expect(isCtsError(error) && error.code).toBe("device_lost")
    expect(frames.map(rowOf)).toEqual(oracleRowsNoTime("subaru_cruise_demo").slice(0, 20_000))
  })

  it("a stalled endpoint is cleared and counted; no frame is lost", async () => {
    const sim = simulateFixture("subaru_cruise_demo.rlog.zst", { stallAtTransfers: [3, 7], transferBytes: 4096, atEnd: "unplug" })
    const conn = await PandaConnection.connect(sim.device)
    const { frames } = await receiveAll(conn)
    expect(conn.stats.stalls).toBe(2)
    expect(frames.length).toBe(101_640)
  })

  it("a panda in its bootstub is refused with panda_bootloader", async () => {
    const sim = simulateFixture("subaru_cruise_demo.rlog.zst", { productId: 0xddee })
    await expect(PandaConnection.connect(sim.device)).rejects.toMatchObject({ code: "panda_bootloader", message: expect.stringContaining("bootloader mode") })
  })

  it("an unknown packet version is refused, naming both hashes", async () => {
    const sim = simulateFixture("subaru_cruise_demo.rlog.zst", { packetVersions: { health: 0x12345678, can: 0x9abcdef0 } })
    const err = await PandaConnection.connect(sim.device).catch(e => e)
    expect(err).toMatchObject({ code: "panda_version_mismatch" })
    expect(err.message).toContain("0x12345678")
    expect(err.message).toContain("0x9abcdef0")
    expect(err.message).toContain("0xf63f9de2")
    expect(err.suggestedAction).toMatch(/update the panda's firmware or cts-lite/i)
    expect(sim.device.opened).toBe(false)
  })
})
