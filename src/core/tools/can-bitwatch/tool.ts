import { Either } from "effect"
import { parseBitSpec } from "../../can/bit-spec.js"
import type { CanFrame } from "../../can/can-frame.js"
import { formatNsAsDecimalSeconds } from "../../can/csv-format.js"
import { ToolError, ValidationError } from "../../errors.js"
import { defineTool, type ToolContext, type ToolResult } from "../define-tool.js"
import { baseArtifactMetadata, hashInputs } from "../shared/analysis-artifacts.js"
import { csvChunks } from "../shared/csv-table.js"
import { createFrameCache } from "../shared/frame-cache.js"
import { openCsvFrames, openRlogFrames, passProgress, reportLogWarnings } from "../shared/frame-source.js"
import { createBitwatchCounts } from "./bitwatch-counts.js"
import { createBitwatchEdges, type WatchedBit } from "./bitwatch-edges.js"
import { CanBitwatchParams } from "./params.js"
import { segmentRule } from "./segments.js"
import * as T from "./tables.js"

const ID = "can-bitwatch"

const run = async (ctx: ToolContext<CanBitwatchParams>): Promise<ToolResult> => {
  const p = ctx.params
  const watch = p.watch.map(s => Either.getOrThrowWith(parseBitSpec(s), e => e))
  const logs = ctx.inputs.filter(i => i.kind === "rlog")
  const csvs = ctx.inputs.filter(i => i.kind === "can-csv")
  if (logs.length > 0 && csvs.length > 0) {
    throw new ValidationError({
      code: "mixed_inputs",
      message: `${ID} reads either CAN CSV files or log files, not both in one run.`,
      suggestedAction: "Run it once per kind of input."
    })
  }
  const fromCsv = csvs.length > 0
  let hasSegments = false
  const cache = createFrameCache()
  let firstPass: ReturnType<typeof openRlogFrames> | undefined
  const open = (i: number): AsyncIterable<ReadonlyArray<CanFrame>> => {
    const progress = passProgress(ctx, i, 2, i === 0 ? "counting" : "edges", 0, 0.95)
    if (i > 0 && cache.complete()) return cache.replay(progress)
    if (fromCsv) return i === 0 ? cache.record(openCsvFrames(csvs, progress).batches) : openCsvFrames(csvs, progress).batches
    const pass = openRlogFrames(logs, ctx.signal, progress, ctx.readLimits)
    firstPass ??= pass
    return i === 0 ? cache.record(pass.batches) : pass.batches
  }
  const busFilter = p.bus ? new Set(p.bus) : undefined
  let rule = p.window_start !== undefined || p.window_end !== undefined ? segmentRule(p.window_start, p.window_end, false) : undefined

  const pass = async (i: number, onFrame: (f: CanFrame, displayNs: number) => void) => {
    let baseNs: number | undefined
    for await (const batch of open(i)) {
      if (ctx.signal.aborted) throw ctx.signal.reason
      for (const f of batch) {
        if (i === 0 && baseNs === undefined && fromCsv) hasSegments = (f as { segment?: string }).segment !== undefined
        baseNs ??= fromCsv ? 0 : f.timeNs
        rule ??= segmentRule(undefined, undefined, hasSegments)
        if (busFilter && !busFilter.has(f.src)) continue
        onFrame(f, f.timeNs - baseNs)
      }
    }
  }

  let counts: ReturnType<typeof createBitwatchCounts> | undefined
  await pass(0, (f, d) => (counts ??= createBitwatchCounts(rule!)).observe(f, d))
  if (!counts || counts.frames() === 0) {
    throw new ToolError({
      code: "no_can_frames",
      message: `${ID}: no CAN frames${busFilter ? ` on bus ${[...busFilter].join(", ")}` : ""} in ${ctx.inputs.map(i => i.name).join(", ")}.`,
      suggestedAction: busFilter ? "Check the bus filter against the buses in the input, or drop it." : "Pass a CAN CSV or log that holds CAN frames."
    })
  }
  const winStart = rule!.kind === "time" ? rule!.startNs : counts.windowFirstNs()
  const winEnd = rule!.kind === "time" ? rule!.endNs : counts.windowLastNs()
  if (counts.windowFirstNs() === undefined || winStart === undefined || winEnd === undefined) {
    throw new ToolError({
      code: "empty_window",
      message: `${ID}: no frame lies inside the window${rule!.kind === "time" ? ` ${formatNsAsDecimalSeconds(rule!.startNs, 3)}–${formatNsAsDecimalSeconds(rule!.endNs, 3)} s` : " (no row has segment=window)"}.`,
      suggestedAction: "Choose a window inside the log's time range (rlog: seconds from the first CAN frame; CSV: its time column)."
    })
  }
  const warnings = reportLogWarnings(ctx, firstPass?.stats())
  const windowOnly = counts.windowOnly()
  ctx.log(
    "info",
    `${counts.frames()} frames in ${counts.streams().length} (bus, address) streams; window ${formatNsAsDecimalSeconds(winStart, 3)}–${formatNsAsDecimalSeconds(winEnd, 3)} s; ${windowOnly.length} window-only bits`
  )
  const watched: WatchedBit[] = watch.length > 0 ? watch.map(w => ({ address: w.address, bit: w.bit })) : windowOnly
  const edgeTracker = createBitwatchEdges(rule!, watched, windowOnly, winStart, winEnd)
  await pass(1, (f, d) => edgeTracker.observe(f, d))

  await hashInputs(ctx)
  const meta = {
    ...baseArtifactMetadata(ID, ctx),
    window_rule: rule!.kind === "time" ? "params" : "csv segment column",
    window_start_s: formatNsAsDecimalSeconds(winStart, 6),
    window_end_s: formatNsAsDecimalSeconds(winEnd, 6),
    time_base: fromCsv ? "the CSV's time column" : "seconds from the first CAN frame"
  }
  const write = (name: string, columns: ReadonlyArray<string>, rows: ReadonlyArray<Record<string, unknown>>) =>
    ctx.artifacts.write(name, "text/csv", csvChunks(columns, rows), meta)
  const edges = T.edgeRows(edgeTracker.edges(), winStart)
  const hunts = T.huntRows(edgeTracker.pulses(), p.pulse_count, p.pulse_s, p.pulse_tolerance_s)
  await write("counts.csv", T.COUNTS_COLUMNS, T.countsRows(counts))
  await ctx.artifacts.write("per_address.json", "application/json", JSON.stringify(T.perAddressJson(counts), null, 2), meta)
  await write("bit_edges.csv", T.EDGE_COLUMNS, edges)
  await write("candidates_window_only.csv", T.CANDIDATE_COLUMNS, T.candidateRows(windowOnly))
  await write("accel_hunt.csv", T.HUNT_COLUMNS, hunts)
  ctx.progress(1, "done")
  return {
    summary: {
      frames: counts.frames(),
      streams: counts.streams().length,
      window_s: [meta.window_start_s, meta.window_end_s],
      watched: watch.length > 0 ? watch.map(w => w.text) : "window-only candidates",
      edges: edges.length,
      window_only_bits: windowOnly.length,
      accel_matches: hunts.filter(h => h.valid_three_2s).length,
      log_warnings: warnings
    }
  }
}

/** can-bitwatch: pre/window/post counts, payloads, watched-bit edges and window-only bits of a CAN CSV or rlog. */
export const canBitwatch = defineTool({
  id: ID,
  name: "CAN bitwatch",
  description:
    "Splits CAN frames into pre / window / post (by the CSV's segment column or a time window) and reports per-address counts, payloads, edges of watched bits, bits that toggle only inside the window, and a hunt for three ~2 s pulses. Input: a CAN CSV (old tools or cabana dialect) or an rlog. Bus-aware, linear time.",
  category: "analyzer",
  version: "1.0.0",
  params: CanBitwatchParams,
  inputs: [
    { kind: "can-csv", description: "CAN CSV: `window,segment,timestamp,address,bus,data_hex` or cabana's `time,addr,bus,data`.", multiple: true },
    { kind: "rlog", description: "Or an rlog/qlog (raw, .zst, .bz2); window times are seconds from its first CAN frame.", multiple: true }
  ],
  outputs: [
    { name: "counts.csv", contentType: "text/csv", description: "address, bus, pre, window, post, delta" },
    { name: "per_address.json", contentType: "application/json", description: "unique and top payloads per address, bus and segment" },
    { name: "bit_edges.csv", contentType: "text/csv", description: "edges of the watched bits" },
    { name: "candidates_window_only.csv", contentType: "text/csv", description: "bits that toggle only inside the window" },
    { name: "accel_hunt.csv", contentType: "text/csv", description: "high pulses of each window-only bit and whether they match the hunted pattern" }
  ],
  defaultTimeoutMs: 10 * 60_000,
  run
})
