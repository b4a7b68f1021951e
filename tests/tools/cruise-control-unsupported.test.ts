import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import { parseBitSpec } from "../../src/core/can/bit-spec.js"
import { loadBundledDbc } from "../../src/core/dbc/bundled-dbc.js"
import { requireSubaruReferences } from "../../src/core/tools/cruise-control-analyzer/log-support.js"
import { CRUISE_DBC, cruiseControlAnalyzer } from "../../src/core/tools/cruise-control-analyzer/tool.js"
import { dataPath, subaruTruth } from "../support/shared-data.js"
import { fileInput, runToolInMemory } from "./helpers/tool-context.js"

const dbc = await Effect.runPromise(loadBundledDbc(CRUISE_DBC))
const truth = subaruTruth()
const demoBus0 = new Map<number, number>(
  Object.entries(truth.frame_counts_by_bus_address as Record<string, number>)
    .filter(([key]) => key.startsWith("0:"))
    .map(([key, n]) => [parseInt(key.slice(2), 16), n])
)
const framesOf = (counts: ReadonlyMap<number, number>) => (name: string) => counts.get(dbc.messagesByName.get(name)!.address) ?? 0
const without = (...addresses: number[]) => new Map([...demoBus0].filter(([a]) => !addresses.includes(a)))
const check = (counts: ReadonlyMap<number, number>, engaged?: string) => () =>
  requireSubaruReferences({
    toolId: "cruise-control-analyzer",
    dbc,
    framesOf: framesOf(counts),
    engagedBit: engaged === undefined ? undefined : Either.getOrThrow(parseBitSpec(engaged)),
    bus: "auto",
    presentAddresses: counts.size
  })

describe("cruise-control-analyzer on a log that is not a Subaru global-platform log", () => {
  it("fails the RAV4 log with unsupported_log naming the Subaru messages it looked for, and writes nothing", async () => {
    const run = await runToolInMemory(cruiseControlAnalyzer, {}, [fileInput(dataPath("rlog", "rav4_seg40.rlog.zst"))])
    expect(run.error?._tag).toBe("ToolError")
    expect(run.error?.code).toBe("unsupported_log")
    for (const name of ["Wheel_Speeds 0x13A", "Cruise_Buttons 0x146", "CruiseControl 0x240"]) expect(run.error?.message).toContain(name)
    expect(run.error?.message).toContain("none of them")
    for (const tool of ["can-bitwatch", "find-similar-bits", "dbc-signals"]) expect(run.error?.suggestedAction).toContain(tool)
    expect(run.artifacts.size).toBe(0)
  })

  it("fails the RAV4 log even with an engaged_bit: the speed timeline needs Wheel_Speeds", async () => {
    const run = await runToolInMemory(cruiseControlAnalyzer, { engaged_bit: "0x260:b0" }, [fileInput(dataPath("rlog", "rav4_seg40.rlog.zst"))])
    expect(run.error?.code).toBe("unsupported_log")
    expect(run.error?.message).toContain("Wheel_Speeds 0x13A")
    expect(run.error?.message).not.toContain("Cruise_Buttons")
  })

  it("fails the Subaru demo's camera bus 2, which carries no Wheel_Speeds", async () => {
    const run = await runToolInMemory(cruiseControlAnalyzer, { bus: 2 }, [fileInput(dataPath("rlog", "subaru_cruise_demo.rlog.zst"))])
    expect(run.error?.code).toBe("unsupported_log")
    expect(run.error?.message).toContain("on bus 2")
  })
})

describe("requireSubaruReferences, on the Subaru demo's bus-0 frame counts (truth file)", () => {
  it("accepts the full demo bus", () => {
    expect(check(demoBus0)).not.toThrow()
  })
  it("requires Wheel_Speeds 0x13A whatever the other messages", () => {
    expect(check(without(0x13a))).toThrow(/needs Wheel_Speeds 0x13A/)
    expect(check(without(0x13a), "0x240:b41")).toThrow(/needs Wheel_Speeds 0x13A/)
  })
  it("requires Cruise_Buttons 0x146 or CruiseControl 0x240 unless an engaged_bit is given", () => {
    expect(check(without(0x146))).not.toThrow()
    expect(check(without(0x240))).not.toThrow()
    expect(check(without(0x146, 0x240))).toThrow(/only Wheel_Speeds 0x13A.*needs Cruise_Buttons 0x146 or CruiseControl 0x240/)
    expect(check(without(0x146, 0x240), "0x241:b55")).not.toThrow()
  })
})
