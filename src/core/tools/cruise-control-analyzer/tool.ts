import { loadBundledDbc } from "../../dbc/bundled-dbc.js"
import { defineTool, type ToolContext, type ToolResult } from "../define-tool.js"
import { writeAnalysisTable, writeJsonArtifact, baseArtifactMetadata, hashInputs } from "../shared/analysis-artifacts.js"
import { runOrThrow } from "../shared/effect-bridge.js"
import { createFrameCache } from "../shared/frame-cache.js"
import { openRlogFrames, passProgress, reportLogWarnings } from "../shared/frame-source.js"
import { analyzeCruise } from "./analyze-cruise.js"
import { cruiseMeta, cruiseSummary, configSnapshot } from "./meta.js"
import { CruiseControlParams } from "./params.js"
import { renderCruiseReport } from "./report-html.js"
import { candidatesTable, countsTable, edgesTable, engagedTable, runsTable, timelineTable } from "./tables.js"

const ID = "cruise-control-analyzer"
/** The opendbc file the analysis decodes with (bundled in assets/dbc). */
export const CRUISE_DBC = "subaru_global_2017_generated"

const run = async (ctx: ToolContext<CruiseControlParams>): Promise<ToolResult> => {
  const dbc = await runOrThrow(loadBundledDbc(CRUISE_DBC))
  ctx.log("info", `Reading ${ctx.inputs.map(i => i.name).join(", ")} in three passes (references, window statistics, edges)`)
  const notes = ["reference signals", "window bit statistics", "edges and runs"]
  const cache = createFrameCache()
  let logStartNs: number | undefined
  let firstPass: ReturnType<typeof openRlogFrames> | undefined
  const analysis = await analyzeCruise({
    toolId: ID,
    dbc,
    params: ctx.params,
    signal: ctx.signal,
    openPass: i => {
      const progress = passProgress(ctx, i, 3, notes[i], 0, 0.95)
      if (i > 0 && cache.complete()) return { batches: cache.replay(progress), logStartNs: () => logStartNs }
      const pass = openRlogFrames(ctx.inputs, ctx.signal, progress, ctx.readLimits)
      firstPass ??= pass
      const stats = () => (logStartNs ??= pass.stats()?.firstLogMonoTime ?? undefined)
      return { batches: i === 0 ? cache.record(pass.batches) : pass.batches, logStartNs: stats }
    }
  })
  const warnings = reportLogWarnings(ctx, firstPass?.stats())
  ctx.log("info", `${analysis.frames} CAN frames, ${analysis.refs.windows.length} window(s) from ${analysis.refs.windowSource}`)
  const inputs = await hashInputs(ctx)
  const meta = cruiseMeta(analysis, ctx.params, CRUISE_DBC)
  const tables = [
    countsTable(analysis),
    candidatesTable(analysis, dbc),
    edgesTable(analysis, dbc),
    runsTable(analysis, dbc),
    timelineTable(analysis),
    engagedTable(analysis)
  ]
  const dataFiles: string[] = []
  for (const table of tables) {
    await writeAnalysisTable(ctx, ID, table, meta)
    dataFiles.push(`${table.name}.csv`, `${table.name}.json`, `${table.name}.analysis_meta.json`)
  }
  await writeJsonArtifact(ctx, ID, "config_snapshot.json", configSnapshot(analysis, ctx, CRUISE_DBC))
  dataFiles.push("config_snapshot.json")
  const html = renderCruiseReport(analysis, dbc, {
    inputs,
    toolVersion: ctx.toolVersion,
    runId: ctx.runId,
    dbcName: CRUISE_DBC,
    params: ctx.params,
    dataFiles
  })
  await ctx.artifacts.write("analysis_report.html", "text/html; charset=utf-8", html, baseArtifactMetadata(ID, ctx))
  ctx.progress(1, "done")
  return { summary: { ...cruiseSummary(analysis), log_warnings: warnings } }
}

/** cruise-control-analyzer: finds cruise button presses, engaged intervals and the bits that follow a marked press. */
export const cruiseControlAnalyzer = defineTool({
  id: ID,
  name: "Cruise control analyzer",
  description:
    "Reads a Subaru (global platform) rlog with the bundled opendbc DBC: speed timeline, target-speed intervals, Set/Resume/Main presses, engaged intervals, blinker-marked windows, and every CAN bit ranked by how well its edges line up with the window (checksums, counters and the marker's own bits never ranked). Bus-aware; reads the whole log.",
  category: "analyzer",
  version: "1.0.0",
  params: CruiseControlParams,
  inputs: [{ kind: "rlog", description: "An rlog or qlog (raw, .zst or .bz2); several files are read in order as one route.", multiple: true }],
  outputs: [
    ...["counts_by_segment", "candidates", "edges", "runs", "timeline", "engaged_intervals"].flatMap(n => [
      { name: `${n}.csv`, contentType: "text/csv", description: `${n}.v1 table with a # metadata header` },
      { name: `${n}.json`, contentType: "application/json", description: `${n}.v1 rows as JSON` },
      { name: `${n}.analysis_meta.json`, contentType: "application/json", description: `metadata of ${n}` }
    ]),
    { name: "config_snapshot.json", contentType: "application/json", description: "params, inputs (sha256), bus map and sources" },
    { name: "analysis_report.html", contentType: "text/html", description: "report with an inline SVG speed timeline and the candidates" }
  ],
  defaultTimeoutMs: 10 * 60_000,
  run
})
