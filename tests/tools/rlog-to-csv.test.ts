import { createHash } from "node:crypto"
import { readFileSync, statSync } from "node:fs"
import { Effect, JSONSchema, Schema } from "effect"
import { describe, expect, it } from "vitest"
import type { ArtifactMeta } from "../../src/core/artifacts/artifact-store.js"
import { ToolError } from "../../src/core/errors.js"
import { fileSource } from "../../src/core/log/node-file-source.js"
import { builtinTools } from "../../src/core/tools/builtin.js"
import type { ArtifactBody, ResolvedInput, ToolContext } from "../../src/core/tools/define-tool.js"
import { RlogToCsvParams } from "../../src/core/tools/rlog-to-csv/params.js"
import { rlogToCsv } from "../../src/core/tools/rlog-to-csv/rlog-to-csv.js"
import { rlogToCsvTool } from "../../src/core/tools/rlog-to-csv/tool.js"
import { runDefinedTool } from "../../src/core/tools/run-defined-tool.js"
import { firstDifference } from "../log/helpers.js"
import { oracleRows } from "../support/oracle.js"
import { rlogPath } from "../support/shared-data.js"

const params = (p: Record<string, unknown> = {}) => Schema.decodeUnknownSync(RlogToCsvParams)(p)

/** Exact ns from seconds text with 9 decimals, without floating point. */
const secondsToNs = (text: string): number => {
  const m = /^(-?)(\d+)\.(\d{9})$/.exec(text)
  if (!m) throw new Error(`not a 9-decimal seconds value: ${text}`)
  const ns = BigInt(m[2]) * 1_000_000_000n + BigInt(m[3])
  return Number(m[1] === "-" ? -ns : ns)
}

interface OracleRow {
  ns: number
  bus: number
  address: string
  data: string
}
const parseOracle = (name: string): Array<OracleRow> =>
  oracleRows(name).map(line => {
    const [ns, bus, address, data] = line.split(",")
    return { ns: Number(ns), bus: Number(bus), address, data }
  })

const convert = async (file: string, p: Record<string, unknown> = {}) => {
  let text = ""
  const summary = await rlogToCsv(fileSource(rlogPath(file)), params(p), chunk => {
    text += chunk
  })
  const lines = text.split("\n")
  expect(lines.pop()).toBe("")
  return { header: lines[0], rows: lines.slice(1).map(l => l.split(",")), summary }
}

/** Old-tools rows back to oracle lines `mono_time_ns,bus,address,data_hex` (timestamp is logMonoTime seconds). */
const fromOldTools = (rows: Array<Array<string>>) => rows.map(([, , ts, address, bus, data]) => `${secondsToNs(ts)},${bus},${address},${data}`)
const lineOf = (r: OracleRow) => `${r.ns},${r.bus},${r.address},${r.data}`
const expectSameLines = (actual: ReadonlyArray<string>, expected: ReadonlyArray<string>) => {
  expect(actual.length).toBe(expected.length)
  expect(firstDifference(actual, expected)).toBe(-1)
}

describe("rlog-to-csv output equals the oracle", () => {
  for (const [file, oracle] of [
    ["rav4_seg40.rlog", "rav4_seg40"],
    ["rav4_seg40.rlog.zst", "rav4_seg40"],
    ["rav4_seg40.rlog.bz2", "rav4_seg40"],
    ["subaru_cruise_demo.rlog.zst", "subaru_cruise_demo"]
  ]) {
    it(`${file}: old-tools dialect, row for row, exact ns`, async () => {
      const { header, rows, summary } = await convert(file)
      expect(header).toBe("window,segment,timestamp,address,bus,data_hex")
      const expected = parseOracle(`${oracle}.frames.csv`)
      expectSameLines(fromOldTools(rows), oracleRows(`${oracle}.frames.csv`))
      expect(new Set(rows.map(r => `${r[0]},${r[1]}`))).toEqual(new Set(["1,window"]))
      expect(summary).toMatchObject({ framesRead: expected.length, framesWritten: expected.length, firstFrameNs: expected[0].ns })
    })
  }

  it("cabana dialect: time is seconds after the first frame, data has 0x", async () => {
    const { header, rows } = await convert("subaru_cruise_demo.rlog.zst", { format: "cabana" })
    expect(header).toBe("time,addr,bus,data")
    const expected = parseOracle("subaru_cruise_demo.frames.csv")
    const first = expected[0].ns
    expectSameLines(
      rows.map(([t, addr, bus, data]) => `${first + secondsToNs(t)},${bus},${addr},${data.replace(/^0x/, "")}`),
      expected.map(lineOf)
    )
    expect(rows[0][0]).toBe("0.000000000")
    expect(rows.every(r => r[3].startsWith("0x"))).toBe(true)
  })
})

describe("rlog-to-csv filters", () => {
  const rav4 = parseOracle("rav4_seg40.frames.csv")
  const first = rav4[0].ns

  it("window_start / window_dur select [start, start + dur) after the first CAN frame", async () => {
    const { rows, summary } = await convert("rav4_seg40.rlog.zst", { window_start: 10, window_dur: 5.5 })
    const expected = rav4.filter(r => r.ns >= first + 10e9 && r.ns < first + 15.5e9)
    expect(expected.length).toBeGreaterThan(10_000)
    expectSameLines(fromOldTools(rows), expected.map(lineOf))
    expect(summary.windowStartNs).toBe(first + 10e9)
    expect(summary.windowEndNs).toBe(first + 15.5e9)
  })

  it("bus (raw src) and addresses (hex text or numbers)", async () => {
    const { rows } = await convert("rav4_seg40.rlog", { bus: [128, 0], addresses: ["0x2E4", 0x260, "0x25"] })
    const wanted = new Set(["0x2E4", "0x260", "0x25"])
    const expected = rav4.filter(r => (r.bus === 128 || r.bus === 0) && wanted.has(r.address))
    expect(expected.length).toBeGreaterThan(1000)
    expectSameLines(fromOldTools(rows), expected.map(lineOf))
  })

  it("mark_start / mark_dur label the segment column pre / window / post", async () => {
    const { rows } = await convert("rav4_seg40.rlog", { mark_start: 20, mark_dur: 2, addresses: ["0x260"] })
    const expected = rav4.filter(r => r.address === "0x260").map(r => (r.ns < first + 20e9 ? "pre" : r.ns < first + 22e9 ? "window" : "post"))
    expect(rows.map(r => r[1])).toEqual(expected)
    expect(new Set(expected)).toEqual(new Set(["pre", "window", "post"]))
  })

  it("params: defaults, hex addresses, refusals, JSON Schema with descriptions", () => {
    expect(params({})).toEqual({ window_start: 0, format: "old-tools" })
    expect(params({ addresses: ["0x146", "326", 5] }).addresses).toEqual([0x146, 326, 5])
    expect(() => params({ bus: [256] })).toThrow()
    expect(() => params({ addresses: ["0xZZ"] })).toThrow()
    expect(() => params({ window_start: -1 })).toThrow()
    expect(() => params({ format: "excel" })).toThrow()
    const schema = JSON.stringify(JSONSchema.make(RlogToCsvParams))
    expect(schema).toContain("first CAN frame")
    expect(schema).toContain("old-tools")
  })
})

const resolved = (file: string): ResolvedInput => {
  const path = rlogPath(file)
  const sha256 = createHash("sha256").update(readFileSync(path)).digest("hex")
  return {
    name: file,
    size: statSync(path).size,
    sha256,
    digest: async () => sha256,
    open: () => fileSource(path, { highWaterMark: 1 << 16 })
  }
}

const runTool = async (files: ReadonlyArray<string>, p: Record<string, unknown> = {}) => {
  const artifacts: Record<string, string> = {}
  const logs: Array<string> = []
  const progress: Array<number> = []
  const ctx: ToolContext<RlogToCsvParams> = {
    runId: "test-run",
    toolVersion: rlogToCsvTool.version,
    params: params(p),
    input: resolved(files[0]),
    inputs: files.map(resolved),
    log: (level, message) => logs.push(`${level}: ${message}`),
    progress: f => progress.push(f),
    artifacts: {
      write: async (name: string, contentType: string, body: ArtifactBody) => {
        let text = ""
        const decoder = new TextDecoder()
        for await (const c of body as AsyncIterable<string | Uint8Array>) text += typeof c === "string" ? c : decoder.decode(c)
        artifacts[name] = text
        return { name, contentType, size: text.length } as unknown as ArtifactMeta
      }
    },
    signal: new AbortController().signal
  }
  const result = await Effect.runPromise(Effect.either(runDefinedTool(rlogToCsvTool, ctx)))
  return { result, artifacts, logs, progress }
}

describe("rlogToCsvTool", () => {
  it("is registered and writes frames.csv through the context, with progress and a summary", async () => {
    expect(builtinTools).toContain(rlogToCsvTool)
    const { result, artifacts, logs, progress } = await runTool(["rav4_seg40.rlog.zst"])
    expect(result._tag).toBe("Right")
    const rows = artifacts["frames.csv"].trim().split("\n").slice(1)
    expect(rows.length).toBe(135_468)
    expect(progress.at(-1)).toBe(1)
    expect(progress.filter(f => f > 0 && f < 1).length).toBeGreaterThan(3)
    expect(logs.at(-1)).toMatch(/^info: Wrote 135468 of 135468 CAN frames/)
    if (result._tag === "Right") expect(result.right.summary).toMatchObject({ frames_written: 135_468, events: 6574, compression: "zstd", warnings: [] })
  })

  it("reads a route's segments in order and logs truncation as a warning", async () => {
    const { result, artifacts, logs } = await runTool(["bad/truncated.rlog.zst", "rav4_seg40.rlog"])
    expect(result._tag).toBe("Right")
    expect(artifacts["frames.csv"].trim().split("\n").length - 1).toBe(6115 + 135_468)
    expect(logs.some(l => l.startsWith("warn: The log is truncated"))).toBe(true)
  })

  it("a header-only frames.csv comes with a typed warning, logged and in the summary", async () => {
    const oracleAddresses = new Set(parseOracle("rav4_seg40.frames.csv").map(r => parseInt(r.address, 16)))
    const absent = [0x7fe, 0x7fd, 0x7fc].find(a => !oracleAddresses.has(a))!
    const filtered = await runTool(["rav4_seg40.rlog.zst"], { addresses: [absent] })
    expect(filtered.artifacts["frames.csv"].trim().split("\n")).toHaveLength(1)
    expect(filtered.logs.some(l => l.startsWith("warn: None of the 135468 CAN frames passed"))).toBe(true)
    if (filtered.result._tag === "Right")
      expect(filtered.result.right.summary).toMatchObject({ frames_written: 0, frames_read: 135_468, warnings: ["no_frames_written"] })
    else expect.fail("the filtered run failed")
    const empty = await runTool(["bad/empty.rlog"])
    expect(empty.logs.some(l => l.startsWith("warn: The log is empty"))).toBe(true)
    if (empty.result._tag === "Right") expect(empty.result.right.summary).toMatchObject({ frames_written: 0, warnings: ["empty_log"] })
    else expect.fail("the empty run failed")
  })

  it("fails with the reader's typed error on a corrupt log", async () => {
    const { result } = await runTool(["bad/corrupt_checksum.rlog.zst"])
    expect(result._tag).toBe("Left")
    if (result._tag === "Left") {
      expect(result.left).toBeInstanceOf(ToolError)
      expect(result.left.code).toBe("checksum_mismatch")
    }
  })
})
