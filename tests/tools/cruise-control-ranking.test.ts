import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { CanFrame } from "../../src/core/can/can-frame.js"
import { loadBundledDbc } from "../../src/core/dbc/bundled-dbc.js"
import { encodeSignal } from "../../src/core/dbc/dbc-encode.js"
import { analyzeCruise, type CruiseAnalysis } from "../../src/core/tools/cruise-control-analyzer/analyze-cruise.js"
import { CRUISE_DBC } from "../../src/core/tools/cruise-control-analyzer/tool.js"
import { CruiseControlParams } from "../../src/core/tools/cruise-control-analyzer/params.js"
import { openRlogFrames } from "../../src/core/tools/shared/frame-source.js"
import { Schema } from "effect"
import { dataPath, subaruTruth } from "../support/shared-data.js"
import { fileInput } from "./helpers/tool-context.js"

const truth = subaruTruth()
const T0 = truth.time_base.t0_logMonoTime_ns as number
const dbc = await Effect.runPromise(loadBundledDbc(CRUISE_DBC))
const subaruChecksum = (address: number, data: Uint8Array) => {
  let sum = (address & 0xff) + (address >> 8)
  for (let i = 1; i < data.length; i++) sum += data[i]
  return sum & 0xff
}

/**
 * A frame source that replays the real log but presses Set again at each `extra` time (s): the
 * Cruise_Buttons.Set bit on bus 0 for 0.2 s, its ES_Distance.Cruise_Set mirror on bus 2 (ES frames
 * due in the same 0.2 s, 20 ms phase) and the src-128 echo of those frames, with valid checksums.
 */
const withExtraSetPresses = (extra: ReadonlyArray<number>) => {
  const buttons = dbc.messagesByName.get("Cruise_Buttons")!
  const es = dbc.messagesByName.get("ES_Distance")!
  const pressed = (t: number, lag: number) => extra.some(x => t >= x + lag - 1e-9 && t < x + lag + 0.2 - 1e-9)
  const patch = (f: CanFrame, signal: string, message: typeof buttons): CanFrame => {
    const data = f.data.slice()
    encodeSignal(message.signalsByName.get(signal)!, 1, data)
    data[0] = subaruChecksum(f.address, data)
    return { ...f, data }
  }
  const input = fileInput(dataPath("rlog", "subaru_cruise_demo.rlog.zst"))
  return () => {
    const pass = openRlogFrames([input], new AbortController().signal)
    return {
      logStartNs: () => pass.stats()?.firstLogMonoTime ?? undefined,
      batches: {
        [Symbol.asyncIterator]: async function* () {
          for await (const batch of pass.batches) {
            yield batch.map(f => {
              const t = (f.timeNs - T0) / 1e9
              if (f.address === buttons.address && f.src === 0 && pressed(t, 0)) return patch(f, "Set", buttons)
              if (f.address === es.address && f.src === 2 && pressed(t, 0.02)) return patch(f, "Cruise_Set", es)
              if (f.address === es.address && f.src === 128 && pressed(t, 0.03)) return patch(f, "Cruise_Set", es)
              return f
            })
          }
        }
      }
    }
  }
}

const analyse = (extra: ReadonlyArray<number>): Promise<CruiseAnalysis> =>
  analyzeCruise({
    toolId: "test",
    dbc,
    params: Schema.decodeUnknownSync(CruiseControlParams)({}),
    signal: new AbortController().signal,
    openPass: withExtraSetPresses(extra)
  })

const key = (c: { address: number; bus: number; bit: number }) => `0x${c.address.toString(16)}:${c.bus}:${c.bit}`

describe("cruise-control-analyzer ranking when Set is also pressed outside the marker window", () => {
  for (const extra of [[70], [10, 70]]) {
    it(`keeps both Set bits on top with ${extra.length} extra press(es) at ${extra.join(", ")} s`, async () => {
      const a = await analyse(extra)
      const presses = a.refs.booleans.set!.runs.map(r => (r.startNs - T0) / 1e9)
      expect(presses).toEqual([...extra.filter(x => x < 40), truth.events_s.set_button_pressed[0][0], ...extra.filter(x => x > 40)])
      const rows = a.candidates[0]
      expect(rows.slice(0, 2).map(key).sort()).toEqual(["0x146:0:43", "0x221:2:57"])
      for (const top of rows.slice(0, 2)) {
        expect(top.togglesOutside).toBe(2 * extra.length)
        expect(top.pulse).toBe(true)
      }
      const setScore = Math.min(rows[0].score, rows[1].score)
      expect(setScore).toBeLessThan(2)
      for (const r of rows.slice(2)) expect(r.score, key(r)).toBeLessThan(setScore)
    })
  }

  it("does not rank Resume 0x146 bit 44, pressed only outside the window", async () => {
    const a = await analyse([])
    expect(a.refs.booleans.resume!.runs.map(r => (r.startNs - T0) / 1e9)).toEqual([truth.events_s.resume_button_pressed[0][0]])
    expect(a.candidates[0].some(c => c.address === 0x146 && c.bit === 44)).toBe(false)
    expect(a.candidates[0][0].togglesOutside).toBe(0)
  })
})
