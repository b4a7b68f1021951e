import { createChecksumCounterDetector } from "../../can/checksum-counter-detector.js"
import { loadBundledDbc } from "../../dbc/bundled-dbc.js"
import { dbcHousekeepingBits } from "../../dbc/dbc-checksum-counter.js"
import type { Dbc } from "../../dbc/dbc-types.js"
import { openLog } from "../../log/open-log.js"
import { ToolError } from "../../errors.js"
import { defineTool, type ToolContext, type ToolResult } from "../define-tool.js"
import { baseArtifactMetadata, hashInputs, writeAnalysisTable } from "../shared/analysis-artifacts.js"
import { runOrThrow } from "../shared/effect-bridge.js"
import { countedInputs, passProgress, reportLogWarnings } from "../shared/frame-source.js"
import { createBitSimilarity } from "./bit-similarity.js"
import { FindSimilarBitsParams } from "./params.js"
import { similarityReport, similarityTable } from "./similarity-output.js"
import { signalSource, signalValue } from "./signal-value.js"

const ID = "find-similar-bits"

const run = async (ctx: ToolContext<FindSimilarBitsParams>): Promise<ToolResult> => {
  const p = ctx.params
  const dbc: Dbc | undefined = p.dbc === undefined ? undefined : await runOrThrow(loadBundledDbc(p.dbc))
  const reader = openLog(countedInputs(ctx.inputs, passProgress(ctx, 0, 1, "reading", 0, 0.95)), { signal: ctx.signal, limits: ctx.readLimits })
  const similarity = createBitSimilarity()
  const detector = createChecksumCounterDetector()
  let current: boolean | undefined
  let signalEvents = 0
  let trueEvents = 0
  let canFrames = 0
  let unsampled = 0
  for await (const batch of reader.events()) {
    if (ctx.signal.aborted) throw ctx.signal.reason
    for (const ev of batch) {
      if (ev.which === "can" && ev.can) {
        for (const f of ev.can) {
          canFrames++
          if (f.src >= 128 && !p.include_echo) continue
          detector.observe(f.src, f.address, f.data)
          if (current === undefined) unsampled++
          else similarity.observe(f.src, f.address, f.data, current)
        }
        continue
      }
      const v = signalValue(p.signal, ev)
      if (v === undefined) continue
      signalEvents++
      if (v) trueEvents++
      current = v
    }
  }
  const source = signalSource(p.signal)
  if (canFrames === 0) {
    throw new ToolError({ code: "no_can_frames", message: `${ID}: the log has no CAN frames.`, suggestedAction: "Pass a log recorded with the car's CAN." })
  }
  if (signalEvents === 0) {
    throw new ToolError({
      code: "signal_missing",
      message: `${ID}: the log has no ${source} events, so ${p.signal} cannot be compared.`,
      suggestedAction: `Pass an rlog (qlogs and CAN-only logs may lack ${source}), or choose a signal the log carries.`
    })
  }
  if (trueEvents === 0 || trueEvents === signalEvents) {
    throw new ToolError({
      code: "signal_constant",
      message: `${ID}: ${p.signal} is ${trueEvents === 0 ? "false" : "true"} in all ${signalEvents} ${source} events; a constant signal matches every constant bit.`,
      suggestedAction: "Choose a signal that changes in this log, or a log where it does."
    })
  }
  const housekeeping = dbc ? dbcHousekeepingBits(dbc) : undefined
  const reports = new Map(detector.reports().map(r => [`${r.bus}:${r.address}`, new Set([...r.checksumBits, ...r.counterBits])]))
  ctx.log("info", `${canFrames} CAN frames compared with ${p.signal} from ${signalEvents} ${source} events`)
  const warnings = reportLogWarnings(ctx, reader.stats)
  const ranked = similarity.rank(p.min_samples, (bus, address, bit) => {
    const declared = housekeeping?.get(address)
    if (declared && (declared.checksumBits.includes(bit) || declared.counterBits.includes(bit))) return true
    return reports.get(`${bus}:${address}`)?.has(bit) ?? false
  })
  const meta = {
    signal: p.signal,
    signal_source: source,
    signal_events: signalEvents,
    signal_true_share: trueEvents / signalEvents,
    min_samples: p.min_samples,
    sampling: "each CAN frame is compared with the signal's latest value at or before the frame's time",
    frames_before_first_signal: unsampled,
    streams_below_min_samples: ranked.skippedStreams,
    constant_bits_left_out: ranked.constantBits,
    checksum_counter_bits_left_out: ranked.suppressedBits,
    include_echo: p.include_echo,
    dbc: p.dbc ?? null
  }
  await writeAnalysisTable(ctx, ID, similarityTable(ranked.bits, dbc), meta)
  const html = similarityReport(ranked.bits, dbc, { inputs: await hashInputs(ctx), toolVersion: ctx.toolVersion, meta })
  await ctx.artifacts.write("similar_bits.html", "text/html; charset=utf-8", html, baseArtifactMetadata(ID, ctx))
  ctx.progress(1, "done")
  return {
    summary: {
      signal: p.signal,
      ranked_bits: ranked.bits.length,
      log_warnings: warnings,
      top: ranked.bits
        .slice(0, 10)
        .map(b => ({ address: `0x${b.address.toString(16).toUpperCase()}`, bus: b.bus, bit: b.bit, mismatch: b.best, inverted: b.inverted }))
    }
  }
}

/** find-similar-bits: ranks every CAN bit by how often it disagrees with a boolean from the log. */
export const findSimilarBits = defineTool({
  id: ID,
  name: "Find similar bits",
  description:
    "For every (bus, address, bit) of a log, the share of frames where the bit disagrees with a boolean the log carries (carState cruise enabled, brake, blinkers, gas, or pandaStates controlsAllowed), and with its inverse; ranked CSV and HTML.",
  category: "analyzer",
  version: "1.0.0",
  params: FindSimilarBitsParams,
  inputs: [
    { kind: "rlog", description: "An rlog (raw, .zst or .bz2) with carState / pandaStates; several files are read in order as one route.", multiple: true }
  ],
  outputs: [
    { name: "similar_bits.csv", contentType: "text/csv", description: "ranked bits with # metadata header" },
    { name: "similar_bits.json", contentType: "application/json", description: "the same rows as JSON" },
    { name: "similar_bits.analysis_meta.json", contentType: "application/json", description: "metadata" },
    { name: "similar_bits.html", contentType: "text/html", description: "ranked table" }
  ],
  defaultTimeoutMs: 10 * 60_000,
  run
})
