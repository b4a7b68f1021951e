import { describe, expect, it } from "vitest"
import { fileSource, routeSource } from "../../src/core/log/node-file-source.js"
import { openLog } from "../../src/core/log/open-log.js"
import { readRouteFrames, type RouteReadOptions } from "../../src/core/log/parallel-route.js"
import { oracleRows } from "../support/oracle.js"
import { dataPath, rlogPath } from "../support/shared-data.js"
import { firstDifference, frameRow, readFrameRows } from "./helpers.js"

const rav4 = ["rav4_seg40.rlog.zst", "rav4_seg40.rlog.bz2", "rav4_seg40.rlog"]
/** A 10-segment route of the fixtures (all three compressions, and the Subaru log), in a mixed order. */
const route = [...rav4, "subaru_cruise_demo.rlog.zst", ...rav4, "subaru_cruise_demo.rlog.zst", "rav4_seg40.rlog.zst", "rav4_seg40.rlog"].map(rlogPath)
const oracleOf = (path: string) => oracleRows(`${path.includes("subaru") ? "subaru_cruise_demo" : "rav4_seg40"}.frames.csv`)

const readParallel = async (paths: ReadonlyArray<string>, options: RouteReadOptions = {}) => {
  const reader = readRouteFrames(paths, options)
  const rows: Array<string> = []
  let error: unknown
  try {
    for await (const batch of reader.frames()) for (const f of batch) rows.push(frameRow(f))
  } catch (e) {
    error = e
  }
  return { rows, stats: reader.stats, error }
}

describe("readRouteFrames: a route's segments decoded on worker threads, delivered in order", () => {
  it("10 segments: the same frames, in the same order, as the sequential reader and the oracles; same stats", async () => {
    const parallel = await readParallel(route, { workers: 2, window: 2 })
    expect(parallel.error).toBeUndefined()
    const expected = route.flatMap(oracleOf)
    expect(parallel.rows.length).toBe(expected.length)
    expect(firstDifference(parallel.rows, expected)).toBe(-1)
    const sequential = await readFrameRows(routeSource(route))
    expect(firstDifference(parallel.rows, sequential.rows)).toBe(-1)
    expect(parallel.stats).toEqual(sequential.reader.stats)
  }, 120_000)

  const bad = (name: string) => dataPath("rlog", "bad", name)
  for (const [name, what] of [
    ["corrupt.rlog.zst", "a corrupt segment: the same typed error, after the same frames"],
    ["not_a_log.txt.zst", "a segment that is not a log: the same typed error"],
    ["truncated.rlog.zst", "a truncated segment: the same warning, with its segment number, and reading goes on"],
    ["empty.rlog", "an empty segment: the same warning"]
  ] as const) {
    it(`${what} (${name} as segment 2 of 4)`, async () => {
      const paths = [rlogPath("rav4_seg40.rlog.zst"), rlogPath("subaru_cruise_demo.rlog.zst"), bad(name), rlogPath("rav4_seg40.rlog.bz2")]
      const parallel = await readParallel(paths, { workers: 3 })
      const sequential = await readFrameRows(paths.map(p => fileSource(p)))
      expect(parallel.rows.length).toBe(sequential.rows.length)
      expect(firstDifference(parallel.rows, sequential.rows)).toBe(-1)
      expect(parallel.stats).toEqual(sequential.reader.stats)
      if (sequential.error === undefined) {
        expect(parallel.error).toBeUndefined()
        expect(parallel.stats.warnings.some(w => w.segment === 2)).toBe(true)
      } else {
        const s = sequential.error as { _tag: string; code: string; message: string; details: unknown }
        expect(parallel.error).toMatchObject({ _tag: s._tag, code: s.code, message: s.message, details: s.details })
        expect((parallel.error as { details: { segment: number } }).details.segment).toBe(2)
        expect(parallel.error).toBeInstanceOf(Error)
      }
    }, 60_000)
  }

  it("stops its workers when the consumer stops early", async () => {
    const reader = readRouteFrames(route.slice(0, 4), { workers: 2 })
    let batches = 0
    for await (const _ of reader.frames()) if (++batches === 3) break
    expect(batches).toBe(3)
    expect(reader.stats.totalEvents).toBe(0)
  })

  it("a missing segment file fails like the sequential reader", async () => {
    const paths = [rlogPath("rav4_seg40.rlog.zst"), rlogPath("does-not-exist.rlog")]
    const parallel = await readParallel(paths)
    const sequential = await readFrameRows(routeSource(paths))
    expect((parallel.error as { code: string }).code).toBe((sequential.error as { code: string }).code)
    expect(parallel.rows.length).toBe(sequential.rows.length)
    void openLog
  })
})
