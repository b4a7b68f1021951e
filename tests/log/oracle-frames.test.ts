import { describe, expect, it } from "vitest"
import { EVENT_TAG_NAMES } from "../../src/core/log/event-tags.js"
import { fileSource } from "../../src/core/log/node-file-source.js"
import { openLog } from "../../src/core/log/open-log.js"
import { firstDifference, readFrameRows } from "./helpers.js"
import { oracleRows } from "../support/oracle.js"
import { readJson, rlogPath } from "../support/shared-data.js"

const cases = [
  { file: "rav4_seg40.rlog", oracle: "rav4_seg40", compression: "none" },
  { file: "rav4_seg40.rlog.zst", oracle: "rav4_seg40", compression: "zstd" },
  { file: "rav4_seg40.rlog.bz2", oracle: "rav4_seg40", compression: "bz2" },
  { file: "subaru_cruise_demo.rlog.zst", oracle: "subaru_cruise_demo", compression: "zstd" }
] as const

describe("frames equal the reference decoder's oracle", () => {
  for (const c of cases) {
    it(`${c.file}: every frame, row for row, and the event counts`, async () => {
      const { rows, reader, error } = await readFrameRows(fileSource(rlogPath(c.file)))
      expect(error).toBeUndefined()
      const expected = oracleRows(`${c.oracle}.frames.csv`)
      expect(rows.length).toBe(expected.length)
      expect(firstDifference(rows, expected)).toBe(-1)

      const oracle = readJson(`${c.oracle}.events.json`)
      const stats = reader.stats
      const countsByName = Object.fromEntries(Object.entries(stats.countsByTag).map(([tag, n]) => [EVENT_TAG_NAMES[Number(tag)], n]))
      expect(countsByName).toEqual(oracle.counts)
      expect(stats.totalEvents).toBe(oracle.total_events)
      expect(stats.canFrames).toBe(oracle.can_frames)
      expect(stats.canFramesBySrc).toEqual(oracle.can_frames_by_bus)
      expect(stats.sendcanFrames).toBe(oracle.sendcan_frames)
      expect(stats.unknownTags).toEqual({})
      expect(stats.firstLogMonoTime).toBe(oracle.first_logMonoTime)
      expect(stats.lastLogMonoTime).toBe(oracle.last_logMonoTime)
      expect(stats.bytesDecompressed).toBe(oracle.decompressed.bytes)
      expect(stats.bytesIn).toBe(oracle.fixtures.find((f: { file: string }) => f.file === c.file).bytes)
      expect(stats.compression).toBe(c.compression)
      expect(stats.warnings).toEqual([])
      expect(stats.malformedEvents).toBe(0)
    })
  }

  it("sendcan frames are excluded by default and included on request, with their own times", async () => {
    const oracle = readJson("subaru_cruise_demo.events.json")
    const { rows } = await readFrameRows(fileSource(rlogPath("subaru_cruise_demo.rlog.zst")), true)
    expect(rows.length).toBe(oracle.can_frames + oracle.sendcan_frames)
    const canRows = new Set(oracleRows("subaru_cruise_demo.frames.csv"))
    const extra = rows.filter(r => !canRows.has(r))
    expect(extra.length).toBe(oracle.sendcan_frames)
    // README: sendcan holds the bus-2 ES_Distance bytes with src 0, 3 ms after each bus-2 frame
    for (const r of extra.slice(0, 50)) expect(r).toMatch(/^\d+,0,0x221,[0-9A-F]{16}$/)
  })

  it("decodes the multi-segment messages the framing sections list", async () => {
    const rav4 = readJson("rav4_seg40.events.json").framing.multi_segment_messages
    const subaru = readJson("subaru_cruise_demo.events.json").framing.multi_segment_messages
    const byIndex = async (file: string, indices: Set<number>) => {
      const found = new Map<number, { tag: number; frames: number; time: number }>()
      let i = 0
      for await (const batch of openLog(fileSource(rlogPath(file))).events()) {
        for (const e of batch) {
          if (indices.has(i)) found.set(i, { tag: e.tag, frames: e.can?.length ?? -1, time: e.logMonoTime })
          i++
        }
      }
      return found
    }
    const r = await byIndex("rav4_seg40.rlog", new Set(rav4.map((m: { message_index: number }) => m.message_index)))
    // README: the merged event, message 3305, is one can event at 46438880000000 holding 669 frames
    expect(r.get(3305)).toEqual({ tag: 4, frames: 669, time: 46438880000000 })
    const s = await byIndex("subaru_cruise_demo.rlog.zst", new Set(subaru.map((m: { message_index: number }) => m.message_index)))
    expect(s.size).toBe(12)
    const truth = readJson("subaru_cruise_demo.truth.json")
    const t0 = truth.time_base.t0_logMonoTime_ns
    const times = [...s.values()].map(v => Math.round((v.time - t0) / 1e7) / 100)
    expect(times).toEqual(truth.multi_segment_can_events.map((m: { t_rel_s: number }) => m.t_rel_s))
    // README: the --segment-size events hold 11 frames each
    for (const v of s.values()) expect(v).toMatchObject({ tag: 4, frames: 11 })
  })
})
