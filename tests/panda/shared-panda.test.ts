import { writeFileSync } from "node:fs"
import path from "node:path"
import { Effect, Exit, Scope } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import type { CanFrame } from "../../src/core/can/can-frame.js"
import { fileSource } from "../../src/core/log/node-file-source.js"
import { openLog } from "../../src/core/log/open-log.js"
import { setMonitorPandaDevice } from "../../src/core/monitors/monitor-source.js"
import { createSimulatedUsb, makePandaDevice } from "../../src/core/panda/panda-device.js"
import { fromUsbError } from "../../src/core/panda/usb-errors.js"
import { canBusCheck } from "../../src/core/tools/can-bus-check/tool.js"
import { canCapture } from "../../src/core/tools/can-capture/tool.js"
import { parseCsvText } from "../support/csv-text.js"
import { subaruTruth } from "../support/shared-data.js"
import { tempDir } from "../core/helpers.js"
import { runToolInMemory } from "../tools/helpers/tool-context.js"
import { oracleRowsNoTime, rowOf, simulateFixture } from "./sim-support.js"

const tmp = tempDir("shared-panda")
afterAll(() => tmp.cleanup())

/** Every frame of a handle's `frames()` until the simulated panda unplugs at the end of the log. */
const drain = async (frames: AsyncIterable<ReadonlyArray<CanFrame>>) => {
  const rows: string[] = []
  try {
    for await (const batch of frames) for (const f of batch) rows.push(rowOf(f))
  } catch (e) {
    return { rows, error: e }
  }
  return { rows, error: undefined }
}

describe("two users of one panda", () => {
  it("two handles on one simulated panda share one receive loop: each gets every oracle frame; the device closes with the last handle", async () => {
    const sim = simulateFixture("subaru_cruise_demo.rlog.zst", { atEnd: "unplug", transferBytes: 4096 })
    const svc = makePandaDevice(createSimulatedUsb([sim.device]))
    const scopeA = Effect.runSync(Scope.make())
    const scopeB = Effect.runSync(Scope.make())
    const a = await Effect.runPromise(svc.open().pipe(Scope.extend(scopeA)))
    const b = await Effect.runPromise(svc.open().pipe(Scope.extend(scopeB)))
    const [ra, rb] = await Promise.all([drain(a.frames()), drain(b.frames())])
    const oracle = oracleRowsNoTime("subaru_cruise_demo")
    expect(ra.rows).toEqual(oracle)
    expect(rb.rows).toEqual(oracle)
    expect(ra.error).toMatchObject({ code: "device_lost" })
    expect(rb.error).toMatchObject({ code: "device_lost" })
    expect(a.stats.frames).toBe(oracle.length)
    const opens = sim.requests.filter(r => r.request === 0xdd).length
    expect(opens).toBe(1)
    await Effect.runPromise(Scope.close(scopeA, Exit.void))
    expect(sim.device.opened).toBe(true)
    await Effect.runPromise(Scope.close(scopeB, Exit.void))
    expect(sim.device.opened).toBe(false)
  })

  it("can-bus-check and can-capture at once on one panda: both see every frame (truth-file counts, oracle rows), both end device_lost when it goes", async () => {
    const sim = simulateFixture("subaru_cruise_demo.rlog.zst", { atEnd: "unplug" })
    setMonitorPandaDevice(makePandaDevice(createSimulatedUsb([sim.device])))
    try {
      const [check, capture] = await Promise.all([
        runToolInMemory(canBusCheck, { source: "panda", window_s: 1 }, []),
        runToolInMemory(canCapture, { source: "panda", segment_s: 3600 }, [])
      ])
      expect(check.error).toMatchObject({ code: "device_lost" })
      expect(capture.error).toMatchObject({ code: "device_lost" })
      const { header, rows } = parseCsvText(check.artifacts.get("bus-check.csv")!.text())
      const col = (n: string) => header.indexOf(n)
      expect(Object.fromEntries(rows.map(r => [`${r[col("bus")]}:${r[col("address")]}`, Number(r[col("frames")])]))).toEqual(
        subaruTruth().frame_counts_by_bus_address
      )
      const file = path.join(tmp.dir, "shared.rlog")
      writeFileSync(file, capture.artifacts.get("capture-000.rlog")!.body)
      const captured: string[] = []
      for await (const batch of openLog(fileSource(file)).frames()) for (const f of batch) captured.push(rowOf(f))
      expect(captured).toEqual(oracleRowsNoTime("subaru_cruise_demo"))
      expect(sim.requests.filter(r => r.request === 0xdd)).toHaveLength(1)
      expect(sim.device.opened).toBe(false)
    } finally {
      setMonitorPandaDevice(undefined)
    }
  })

  it("a panda claimed by another program or process is panda_busy, saying how to free it", () => {
    for (const text of ["LIBUSB_ERROR_BUSY", "NetworkError: Unable to claim interface."]) {
      expect(fromUsbError("claimInterface", new Error(text))).toMatchObject({ code: "panda_busy", suggestedAction: expect.stringContaining("cts mon stop") })
    }
  })
})
