// Bench of the four analyzers on the RAV4 and Subaru fixtures: wall time per minute of log against
// the target (under 2 s per minute of log, wall time of the whole runTool call: worker start, input
// hashing, reading, analysis, artifacts), time inside the run, CPU time and peak RSS. CPU time is shown
// beside it because wall time on a shared 2-core machine also measures the other processes.
// Each case runs in its own child process so peak RSS belongs to that case. Uses the built package.
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const data = path.resolve(root, "../shared/data")
const rlog = f => path.join(data, "rlog", f)
const TARGET_S_PER_MIN = 2

const logMinutes = name => {
  const ev = JSON.parse(readFileSync(rlog(`${name}.events.json`), "utf8"))
  return (ev.last_logMonoTime - ev.first_logMonoTime) / 60e9
}

const frameCount = name => JSON.parse(readFileSync(rlog(`${name}.events.json`), "utf8")).can_frames

const CASES = [
  { tool: "cruise-control-analyzer", log: "subaru_cruise_demo", input: [rlog("subaru_cruise_demo.rlog.zst")], params: {} },
  {
    tool: "cruise-control-analyzer",
    log: "subaru_cruise_demo",
    note: "presses, filter",
    input: [rlog("subaru_cruise_demo.rlog.zst")],
    params: { marker_type: "none", engaged_mode: "filter" }
  },
  // not a Subaru log: the analyzer must refuse it (unsupported_log) after one pass, not time an empty analysis
  { tool: "cruise-control-analyzer", log: "rav4_seg40", input: [rlog("rav4_seg40.rlog.zst")], params: {}, expectError: "unsupported_log" },
  { tool: "can-bitwatch", log: "subaru_cruise_demo", input: [rlog("subaru_cruise_demo.rlog.zst")], params: { window_start: 37, window_end: 43 } },
  { tool: "can-bitwatch", log: "rav4_seg40", input: [rlog("rav4_seg40.rlog.zst")], params: { window_start: 20, window_end: 30 } },
  { tool: "find-similar-bits", log: "subaru_cruise_demo", input: [rlog("subaru_cruise_demo.rlog.zst")], params: { signal: "cruiseState.enabled" } },
  // the RAV4 log has no carState and a constant pandaStates controlsAllowed: nothing to compare bits with
  {
    tool: "find-similar-bits",
    log: "rav4_seg40",
    input: [rlog("rav4_seg40.rlog.zst")],
    params: { signal: "controlsAllowed" },
    expectError: "signal_constant"
  },
  { tool: "dbc-signals", log: "subaru_cruise_demo", input: [rlog("subaru_cruise_demo.rlog.zst")], params: { dbc: "subaru_global_2017_generated" } },
  { tool: "dbc-signals", log: "rav4_seg40", input: [rlog("rav4_seg40.rlog.zst")], params: { dbc: "toyota_new_mc_pt_generated" } },
  // fixed cost vs per-minute cost: the same segment read 4 times as one route
  {
    tool: "dbc-signals",
    log: "rav4_seg40",
    copies: 4,
    input: Array.from({ length: 4 }, () => rlog("rav4_seg40.rlog.zst")),
    params: { dbc: "toyota_new_mc_pt_generated" }
  },
  // linear-time check: the same segment read 1, 4 and 16 times as one route; time per frame should stay flat
  ...[1, 4, 16].map(copies => ({
    tool: "can-bitwatch",
    log: "rav4_seg40",
    copies,
    input: Array.from({ length: copies }, () => rlog("rav4_seg40.rlog.zst")),
    params: { window_start: 20, window_end: 30 }
  }))
]

const runCase = async index => {
  const c = CASES[index]
  const { createCts, runTool } = await import(pathToFileURL(path.join(root, "dist/index.js")).href)
  const dir = mkdtempSync(path.join(tmpdir(), "cts-bench-analyzers-"))
  const cts = await createCts({ dataDir: path.join(dir, "data"), concurrency: 1 })
  try {
    const cpuOf = async input => {
      const before = process.cpuUsage()
      const result = await runTool(c.tool, { input, params: c.params, cts })
      const used = process.cpuUsage(before)
      return { result, cpu: (used.user + used.system) / 1e6 }
    }
    await cpuOf([rlog("bad/empty.rlog")])
    const overhead = (await cpuOf([rlog("bad/empty.rlog")])).cpu
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    const r = await runTool(c.tool, { input: c.input, params: c.params, cts })
    const cpuUsed = process.cpuUsage(cpu0)
    const cpu = (cpuUsed.user + cpuUsed.system) / 1e6
    const wall = (performance.now() - t0) / 1000
    const rec = await cts.get(r.runId)
    const inRun = rec.startedAt && rec.finishedAt ? (Date.parse(rec.finishedAt) - Date.parse(rec.startedAt)) / 1000 : null
    const rssMb = process.resourceUsage().maxRSS / 1024
    console.log(JSON.stringify({ status: r.status, error: r.error?.code ?? null, wall, inRun, cpu, overhead, rssMb, artifacts: r.artifacts.length }))
  } finally {
    await cts.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const repeatAt = process.argv.indexOf("--repeat")
const REPEAT = repeatAt >= 0 ? Math.max(1, Number(process.argv[repeatAt + 1])) : 3

/** Runs case `i` in a fresh process REPEAT times; the run with the median wall time is reported, with the range. */
const measure = i => {
  const runs = []
  for (let k = 0; k < REPEAT; k++) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--case", String(i)], { encoding: "utf8" })
    const line = child.stdout
      .trim()
      .split("\n")
      .filter(l => l.startsWith("{"))
      .pop()
    if (!line) return { crashed: child.stderr.trim().split("\n").pop() }
    runs.push(JSON.parse(line))
  }
  runs.sort((a, b) => a.wall - b.wall)
  return { ...runs[(runs.length - 1) >> 1], wallMin: runs[0].wall, wallMax: runs[runs.length - 1].wall }
}

const main = async () => {
  const rows = []
  for (let i = 0; i < CASES.length; i++) {
    const c = CASES[i]
    const r = measure(i)
    if (r.crashed !== undefined) {
      rows.push({ tool: c.tool, log: c.log, result: `crashed: ${r.crashed}` })
      continue
    }
    const copies = c.copies ?? 1
    const minutes = logMinutes(c.log) * copies
    const perMin = Math.max(0, r.cpu - r.overhead) / minutes
    const wallPerMin = r.wall / minutes
    const expected = c.expectError !== undefined && r.error === c.expectError
    const timed = r.status === "completed" && c.expectError === undefined
    rows.push({
      tool: c.note ? `${c.tool} (${c.note})` : c.tool,
      log: copies > 1 ? `${c.log} ×${copies}` : c.log,
      result: expected ? `refused as expected (${r.error})` : r.status === "completed" && !c.expectError ? "completed" : `UNEXPECTED ${r.status} (${r.error})`,
      "log min": minutes.toFixed(2),
      "wall s (median)": r.wall.toFixed(2),
      "wall s min–max": `${r.wallMin.toFixed(2)}–${r.wallMax.toFixed(2)}`,
      "wall s per log min": wallPerMin.toFixed(2),
      "target (wall < 2 s/min)": timed ? (wallPerMin < TARGET_S_PER_MIN ? "ok" : "OVER") : "n/a",
      "in run s": r.inRun === null ? "" : r.inRun.toFixed(2),
      "CPU s": r.cpu.toFixed(2),
      "run overhead CPU s": r.overhead.toFixed(2),
      "analysis CPU s per log min": perMin.toFixed(2),
      "analysis CPU µs per frame": ((Math.max(0, r.cpu - r.overhead) * 1e6) / (frameCount(c.log) * copies)).toFixed(2),
      "peak RSS MB": r.rssMb.toFixed(0)
    })
  }
  const load = (await import("node:os")).loadavg()[0]
  console.log(`analyzers: each case ${REPEAT}× in a fresh process (median run shown; --repeat N). Target: median wall s per log min < 2,`)
  console.log("wall = the whole runTool call (worker start, hashing, reading, analysis, artifacts). 'in run' = the run record's")
  console.log("started → finished. CPU = process user+system time of the run, worker thread included. Run overhead = CPU of the same")
  console.log("tool on an empty log (new worker, module load, store); analysis CPU = CPU − overhead. The ×4 / ×16 rows (the same")
  console.log(`segment read as one route) show how much of a 1-minute run is fixed cost. Load average: ${load.toFixed(2)}`)
  console.log("cruise-control-analyzer reads Subaru global-platform logs only: on the RAV4 log it must fail with unsupported_log.")
  console.log("find-similar-bits has no varying boolean in the RAV4 log (no carState, constant controlsAllowed): signal_constant.")
  console.table(rows)
}

const at = process.argv.indexOf("--case")
if (at >= 0) await runCase(Number(process.argv[at + 1]))
else await main()
