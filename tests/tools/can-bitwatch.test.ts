import { beforeAll, describe, expect, it } from "vitest"
import { formatCabanaRow, formatOldToolsRow } from "../../src/core/can/csv-format.js"
import { parseCsvText } from "../support/csv-text.js"
import { canBitwatch } from "../../src/core/tools/can-bitwatch/tool.js"
import { oracleFrames, type OracleFrame } from "../support/oracle.js"
import { dataPath, subaruTruth } from "../support/shared-data.js"
import { bytesInput, fileInput, runToolInMemory, type TestRun } from "./helpers/tool-context.js"

const truth = subaruTruth()
const frames = oracleFrames("subaru_cruise_demo.frames.csv")
const first = frames[0].timeNs
const [WS, WE] = [37, 43]
const rel = (f: OracleFrame) => (f.timeNs - first) / 1e9
const seg = (t: number) => (t < WS ? 0 : t <= WE ? 1 : 2)
const segName = ["pre", "window", "post"]
const hex3 = (a: number) => `0x${a.toString(16).toUpperCase().padStart(3, "0")}`

/** The oracle frames as an old-tools CSV, segments labelled by the 37–43 s window. */
const oldToolsCsv = () =>
  "window,segment,timestamp,address,bus,data_hex\n" +
  frames
    .map(f => formatOldToolsRow({ timeNs: f.timeNs - first, src: f.bus, address: f.address, data: f.data, segment: segName[seg(rel(f))] as "pre" }))
    .join("\n") +
  "\n"
/** The oracle frames as cabana's CSV (absolute times). */
const cabanaCsv = () =>
  "time,addr,bus,data\n" + frames.map(f => formatCabanaRow({ timeNs: f.timeNs, src: f.bus, address: f.address, data: f.data })).join("\n") + "\n"

/** Independent per-stream statistics of the oracle frames for the 37–43 s window. */
const expected = (() => {
  const streams = new Map<string, { n: number[]; uniq: Array<Set<string>>; toggles: Map<number, number[]>; last?: Uint8Array }>()
  for (const f of frames) {
    const key = `${hex3(f.address)}:${f.bus}`
    const s = streams.get(key) ?? { n: [0, 0, 0], uniq: [new Set<string>(), new Set<string>(), new Set<string>()], toggles: new Map<number, number[]>() }
    const k = seg(rel(f))
    s.n[k]++
    s.uniq[k].add(f.hex)
    if (s.last) {
      for (let g = 0; g < 64; g++) {
        const before = (s.last[g >> 3] >> (g & 7)) & 1
        const now = (f.data[g >> 3] >> (g & 7)) & 1
        if (before !== now) {
          const t = s.toggles.get(g) ?? [0, 0, 0]
          t[k]++
          s.toggles.set(g, t)
        }
      }
    }
    s.last = f.data
    streams.set(key, s)
  }
  const windowOnly: string[] = []
  for (const [key, s] of streams) for (const [g, t] of s.toggles) if (t[1] > 0 && t[0] === 0 && t[2] === 0) windowOnly.push(`${key}:${g}:${t[1]}`)
  return { streams, windowOnly: windowOnly.sort() }
})()

const table = (run: TestRun, name: string) => {
  const { header, rows } = parseCsvText(run.artifacts.get(name)!.text())
  return rows.map(r => Object.fromEntries(header.map((h, i) => [h, r[i]])))
}

describe("can-bitwatch on the Subaru frames", () => {
  let oldRun: TestRun
  let cabanaRun: TestRun
  let rlogRun: TestRun
  const watch = ["0x146:B5b4", "0x221:b57"]
  beforeAll(async () => {
    oldRun = await runToolInMemory(canBitwatch, { watch }, [bytesInput("subaru.old.csv", oldToolsCsv())])
    cabanaRun = await runToolInMemory(canBitwatch, { watch, window_start: first / 1e9 + WS, window_end: first / 1e9 + WE }, [
      bytesInput("subaru.cabana.csv", cabanaCsv())
    ])
    rlogRun = await runToolInMemory(canBitwatch, { watch, window_start: WS, window_end: WE }, [fileInput(dataPath("rlog", "subaru_cruise_demo.rlog.zst"))])
    for (const r of [oldRun, cabanaRun, rlogRun]) expect(r.error).toBeUndefined()
  })

  it("counts frames per (address, bus) and segment as the oracle does, in both dialects and from the rlog", () => {
    for (const run of [oldRun, cabanaRun, rlogRun]) {
      const rows = table(run, "counts.csv")
      expect(rows.length).toBe(expected.streams.size)
      for (const r of rows) {
        const e = expected.streams.get(`${r.address}:${r.bus}`)!
        expect([Number(r.pre), Number(r.window), Number(r.post)]).toEqual(e.n)
        expect(Number(r.delta)).toBe(e.n[1] - Math.max(e.n[0], e.n[2]))
      }
      expect(rows.find(r => r.address === "0x221" && r.bus === "128")).toBeDefined()
    }
  })

  it("lists unique payloads per segment in per_address.json", () => {
    for (const run of [oldRun, cabanaRun, rlogRun]) {
      const per = run.artifacts.get("per_address.json")!.json()
      for (const [key, e] of expected.streams) {
        const [address, bus] = key.split(":")
        const s = per[address][bus]
        expect([s.pre.unique_payloads, s.window.unique_payloads, s.post.unique_payloads]).toEqual(e.uniq.map(u => u.size))
        expect(s.window.frames).toBe(e.n[1])
      }
    }
  })

  it("finds exactly the bits that toggle only inside the window", () => {
    for (const run of [oldRun, cabanaRun, rlogRun]) {
      const rows = table(run, "candidates_window_only.csv")
        .map(r => `${r.address}:${r.bus}:${r.global_idx}:${r.toggles}`)
        .sort()
      expect(rows).toEqual(expected.windowOnly)
    }
    expect(expected.windowOnly).toContain("0x146:0:43:2")
  })

  it("writes the watched bits' edges at the truth times on every bus", () => {
    const obs = truth.observed_from_decoded_frames.bit_runs_s
    const want = [
      ["0x146", "0", obs.Set.bus_0[0]],
      ["0x221", "2", obs.ES_Distance_Cruise_Set.bus_2[0]],
      ["0x221", "128", obs.ES_Distance_Cruise_Set.bus_128[0]]
    ] as const
    for (const run of [oldRun, rlogRun]) {
      const edges = table(run, "bit_edges.csv")
      for (const [address, bus, r] of want) {
        const mine = edges.filter(e => e.address === address && e.bus === bus)
        expect(mine.map(e => [e.edge, Number(e.timestamp), e.segment])).toEqual([
          ["0->1", r.first_on, "window"],
          ["1->0", r.first_off_after, "window"]
        ])
      }
      expect(edges.length).toBe(6)
    }
    expect(table(oldRun, "bit_edges.csv")).toEqual(table(rlogRun, "bit_edges.csv"))
    expect(table(oldRun, "candidates_window_only.csv")).toEqual(table(rlogRun, "candidates_window_only.csv"))
  })

  it("hunts pulses of the window-only bits", () => {
    const hunt = table(oldRun, "accel_hunt.csv")
    expect(hunt.length).toBe(expected.windowOnly.length)
    const set = hunt.find(h => h.address === "0x146" && h.bus === "0" && h.global_idx === "43")!
    const r = truth.observed_from_decoded_frames.bit_runs_s.Set.bus_0[0]
    expect(JSON.parse(set.pulses)).toEqual([Math.round((r.first_off_after - r.first_on) * 1000) / 1000])
    expect(set.valid_three_2s).toBe("false")
  })
})

describe("can-bitwatch accel hunt", () => {
  it("accepts three ~2 s pulses inside the window and rejects other shapes", async () => {
    const highs: Record<number, Array<[number, number]>> = {
      291: [
        [5, 7],
        [9, 11.1],
        [13, 14.8]
      ],
      292: [
        [5, 7],
        [9, 11]
      ],
      293: [
        [5, 7],
        [9, 12],
        [13, 15]
      ]
    }
    const lines = ["window,segment,timestamp,address,bus,data_hex"]
    for (let i = 0; i <= 200; i++) {
      const t = i / 10
      for (const [address, spans] of Object.entries(highs)) {
        const on = spans.some(([a, b]) => t >= a - 1e-9 && t < b - 1e-9)
        lines.push(`1,${t < 4 ? "pre" : t <= 16 ? "window" : "post"},${t.toFixed(6)},0x${Number(address).toString(16)},0,${on ? "08" : "00"}`)
      }
    }
    const run = await runToolInMemory(canBitwatch, {}, [bytesInput("pulses.csv", lines.join("\n") + "\n")])
    expect(run.error).toBeUndefined()
    const hunt = table(run, "accel_hunt.csv").map(h => [h.address, h.global_idx, JSON.parse(h.pulses), h.valid_three_2s])
    expect(hunt).toEqual([
      ["0x123", "3", [2, 2.1, 1.8], "true"],
      ["0x124", "3", [2, 2], "false"],
      ["0x125", "3", [2, 3, 2], "false"]
    ])
  })
})

describe("can-bitwatch bad input", () => {
  it("reports the line of a bad CSV row, a missing window, an absent bus and a wrong file type", async () => {
    const badRow = await runToolInMemory(canBitwatch, {}, [
      bytesInput("bad.csv", "window,segment,timestamp,address,bus,data_hex\n1,pre,0.0,0x10,0,00\n1,window,0.1,0xZZ,0,00\n")
    ])
    expect(badRow.error?._tag).toBe("ValidationError")
    expect(badRow.error?.message).toContain("line 3")
    const noWindow = await runToolInMemory(canBitwatch, {}, [bytesInput("c.csv", "time,addr,bus,data\n1.0,0x10,0,0x00\n")])
    expect(noWindow.error?.code).toBe("missing_window")
    const noBus = await runToolInMemory(canBitwatch, { bus: [1], window_start: 0, window_end: 1 }, [fileInput(dataPath("rlog", "subaru_cruise_demo.rlog.zst"))])
    expect(noBus.error?._tag).toBe("ToolError")
    expect(noBus.error?.code).toBe("no_can_frames")
    const dbc = await runToolInMemory(canBitwatch, { window_start: 0, window_end: 1 }, [fileInput(dataPath("opendbc", "subaru_global_2017_generated.dbc"))])
    expect(dbc.error?.code).toBe("wrong_input_type")
    const spec = await runToolInMemory(canBitwatch, { watch: ["0x146:B5x4"] }, [bytesInput("x.csv", "time,addr,bus,data\n")])
    expect(spec.error?._tag).toBe("ValidationError")
    expect(spec.error?.message).toContain("0x146:B5x4")
    for (const r of [badRow, noWindow, noBus, dbc, spec]) expect(r.artifacts.size).toBe(0)
  })
})
