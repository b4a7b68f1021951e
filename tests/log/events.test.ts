import { beforeAll, describe, expect, it } from "vitest"
import type { LogEvent } from "../../src/core/log/log-event.js"
import { fileSource } from "../../src/core/log/node-file-source.js"
import { openLog } from "../../src/core/log/open-log.js"
import { readJson, rlogPath } from "../support/shared-data.js"

const readEvents = async (file: string): Promise<Array<LogEvent>> => {
  const out: Array<LogEvent> = []
  for await (const batch of openLog(fileSource(rlogPath(file))).events()) out.push(...batch)
  return out
}

type Run = { first_on: number; first_off_after: number | null }
/** True when a signal whose frames switch per `runs` reads 1 in the latest frame at or before t. */
const inRuns = (runs: ReadonlyArray<Run>, t: number) => runs.some(r => t >= r.first_on && (r.first_off_after === null || t < r.first_off_after))
const inWindows = (windows: ReadonlyArray<[number, number]>, t: number) => windows.some(([a, b]) => t >= a && t < b)

describe("Subaru demo: carState and pandaStates against the truth file", () => {
  const truth = readJson("subaru_cruise_demo.truth.json")
  const t0: number = truth.time_base.t0_logMonoTime_ns
  const runs = truth.observed_from_decoded_frames.bit_runs_s
  let events: Array<LogEvent>
  const rel = (e: LogEvent) => (e.logMonoTime - t0) / 1e9
  beforeAll(async () => {
    events = await readEvents("subaru_cruise_demo.rlog.zst")
  })

  it("has every event kind in the truth counts", () => {
    const counts: Record<string, number> = {}
    for (const e of events) counts[e.which] = (counts[e.which] ?? 0) + 1
    expect(counts).toEqual(truth.events_by_kind)
  })

  it("cruiseState.enabled / available follow CruiseControl Cruise_Activated / Cruise_On", () => {
    const cs = events.filter(e => e.which === "carState")
    expect(cs.length).toBe(12000)
    const wrong: Array<string> = []
    for (const e of cs) {
      const t = rel(e)
      if (e.carState!.cruiseState.enabled !== inRuns(runs.Cruise_Activated.bus_0, t)) wrong.push(`enabled@${t}`)
      if (e.carState!.cruiseState.available !== inRuns(runs.Cruise_On.bus_0, t)) wrong.push(`available@${t}`)
    }
    expect(wrong).toEqual([])
    expect(cs.filter(e => e.carState!.cruiseState.enabled).length).toBeGreaterThan(5000)
  })

  it("cruiseState.speed is 25.03424 m/s while the set speed is shown, 0 otherwise", () => {
    const shown = truth.set_speed.shown_windows_s
    const wrong: Array<string> = []
    for (const e of events.filter(x => x.which === "carState")) {
      const expected = inWindows(shown, rel(e)) ? truth.set_speed.carState_cruiseState_speed_ms : 0
      if (Math.abs(e.carState!.cruiseState.speed - expected) > 5e-6) wrong.push(`${rel(e)}: ${e.carState!.cruiseState.speed}`)
    }
    expect(wrong).toEqual([])
  })

  it("blinkers, brake and gas follow their frames; vEgo matches the wheel-speed windows", () => {
    const ws = truth.observed_from_decoded_frames.wheel_speed_mph.windows
    const mphToMs = 0.44704
    const wrong: Array<string> = []
    let speedChecks = 0
    for (const e of events.filter(x => x.which === "carState")) {
      const t = rel(e)
      const c = e.carState!
      if (c.leftBlinker !== inRuns(runs.LEFT_BLINKER.bus_0, t)) wrong.push(`left@${t}`)
      if (c.rightBlinker !== inRuns(runs.RIGHT_BLINKER.bus_0, t)) wrong.push(`right@${t}`)
      if (c.brakePressed !== inRuns(runs.Brake.bus_0, t)) wrong.push(`brake@${t}`)
      // Throttle is 100 Hz: the latest frame is the can event 2 ms before this carState
      if (c.gasPressed !== inWindows(truth.events_s.gas_pressed, Math.round((t - 0.002) * 100) / 100)) wrong.push(`gas@${t}`)
      if (c.gearShifter !== "drive") wrong.push(`gear@${t}`)
      for (const [name, w] of Object.entries<{ min_mph: number; max_mph: number }>(ws)) {
        const [a, b] = name.split("-").map(Number)
        // Wheel_Speeds is 50 Hz at phase 0: frames inside [a, b) cover the carStates in (a, b)
        if (t <= a || t >= b || w.min_mph !== w.max_mph) continue
        speedChecks++
        if (Math.abs(c.vEgo - w.min_mph * mphToMs) > 1e-4) wrong.push(`vEgo@${t}: ${c.vEgo}`)
      }
    }
    expect(wrong).toEqual([])
    expect(speedChecks).toBe(200 + 1800 + 500)
  })

  it("pandaStates: subaru safety model, controlsAllowed = Cruise_Activated, tres panda", () => {
    const ps = events.filter(e => e.which === "pandaStates")
    expect(ps.length).toBe(truth.events_by_kind.pandaStates)
    const wrong: Array<string> = []
    for (const e of ps) {
      const [p, ...rest] = e.pandaStates!
      if (rest.length > 0 || p.safetyModel !== "subaru" || p.safetyModelId !== 11 || p.pandaType !== "tres") wrong.push(`panda@${rel(e)}`)
      if (p.controlsAllowed !== inRuns(runs.Cruise_Activated.bus_0, rel(e))) wrong.push(`controlsAllowed@${rel(e)}`)
    }
    expect(wrong).toEqual([])
    expect(ps.filter(e => e.pandaStates![0].controlsAllowed).length).toBeGreaterThan(500)
  })

  it("initData and sentinels", () => {
    expect(events[0].which).toBe("initData")
    expect(events[0].logMonoTime).toBe(t0)
    expect(events[0].initData).toMatchObject({ deviceType: "tici", dongleId: "5ab0c0de5ab0c0de" })
    const sentinels = events.filter(e => e.which === "sentinel")
    expect(sentinels.map(s => s.sentinel!.type)).toEqual(["startOfRoute", "endOfRoute"])
    expect(rel(sentinels[1])).toBeCloseTo(119.999, 9)
  })
})

describe("RAV4: initData, pandaStates, sentinels (README facts)", () => {
  let events: Array<LogEvent>
  beforeAll(async () => {
    events = await readEvents("rav4_seg40.rlog.zst")
  })

  it("initData", () => {
    const init = events.filter(e => e.which === "initData")
    expect(init.length).toBe(1)
    expect(init[0].initData).toMatchObject({
      dongleId: "b0c9d2329ad1606b",
      deviceType: "neo",
      version: "0.5-fixture",
      wallTimeNanos: 1533226487000000000n
    })
    expect(init[0].logMonoTime).toBe(46408590000000)
  })

  it("pandaStates: toyota, safetyParam 73, controlsAllowed, ignitionLine, greyPanda, every 100 ms", () => {
    const ps = events.filter(e => e.which === "pandaStates")
    expect(ps.length).toBe(600)
    for (const e of ps) {
      expect(e.pandaStates).toEqual([
        {
          controlsAllowed: true,
          safetyModel: "toyota",
          safetyModelId: 2,
          safetyParam: 73,
          safetyRxInvalid: 0,
          safetyRxChecksInvalid: false,
          ignitionLine: true,
          pandaType: "greyPanda"
        }
      ])
    }
    const gaps = new Set(ps.slice(1).map((e, i) => e.logMonoTime - ps[i].logMonoTime))
    expect([...gaps]).toEqual([100_000_000])
  })

  it("sentinels: startOfRoute at the first can event, endOfRoute 1 ms after the last", () => {
    const cans = events.filter(e => e.which === "can")
    const s = events.filter(e => e.which === "sentinel")
    expect(s.map(e => e.sentinel!.type)).toEqual(["startOfRoute", "endOfRoute"])
    expect(s[0].logMonoTime).toBe(cans[0].logMonoTime)
    expect(s[1].logMonoTime).toBe(cans[cans.length - 1].logMonoTime + 1_000_000)
    // README: two buckets had no frames but still an empty can event
    expect(cans.filter(e => e.can!.length === 0).length).toBe(readJson("rav4_seg40.events.json").empty_can_events)
  })
})
