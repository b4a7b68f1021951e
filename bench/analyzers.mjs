// Bench of the four analyzers on the RAV4 and Subaru fixtures: wall time, time inside the run, CPU
// time, peak RSS, and CPU seconds per minute of log (target: under 2 s per minute; CPU time is
// reported because wall time on a shared 2-core machine mostly measures the other processes).
// Each case runs in its own child process so peak RSS belongs to that case. Uses the built package.
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const data = path.resolve(root, "../shared/data")
const rlog = (f) => path.join(data, "rlog", f)
const TARGET_S_PER_MIN = 2

const logMinutes = (name) => {
  const ev = JSON.parse(readFileSync(rlog(`${name}.events.json`), "utf8"))
  return (ev.last_logMonoTime - ev.first_logMonoTime) / 60e9
}

const frameCount = (name) => JSON.parse(readFileSync(rlog(`${name}.events.json`), "utf8")).can_frames

const CASES = [
  { tool: "cruise-control-analyzer", log: "subaru_cruise_demo", input: [rlog("subaru_cruise_demo.rlog.zst")], params: {} },
  { tool: "cruise-control-analyzer", log: "rav4_seg40", input: [rlog("rav4_seg40.rlog.zst")], params: {} },
  { tool: "can-bitwatch", log: "subaru_cruise_demo", input: [rlog("subaru_cruise_demo.rlog.zst")], params: { window_start: 37, window_end: 43 } },
  { tool: "can-bitwatch", log: "rav4_seg40", input: [rlog("rav4_seg40.rlog.zst")], params: { window_start: 20, window_end: 30 } },
  { tool: "find-similar-bits", log: "subaru_cruise_demo", input: [rlog("subaru_cruise_demo.rlog.zst")], params: { signal: "cruiseState.enabled" } },
  { tool: "find-similar-bits", log: "rav4_seg40", input: [rlog("rav4_seg40.rlog.zst")], params: { signal: "controlsAllowed" } },
  { tool: "dbc-signals", log: "subaru_cruise_demo", input: [rlog("subaru_cruise_demo.rlog.zst")], params: { dbc: "subaru_global_2017_generated" } },
  { tool: "dbc-signals", log: "rav4_seg40", input: [rlog("rav4_seg40.rlog.zst")], params: { dbc: "toyota_new_mc_pt_generated" } },
  // linear-time check: the same segment read 1, 4 and 16 times as one route; time per frame should stay flat
  ...[1, 4, 16].map((copies) => ({
    tool: "can-bitwatch",
    log: "rav4_seg40",
    copies,
    input: Array.from({ length: copies }, () => rlog("rav4_seg40.rlog.zst")),
    params: { window_start: 20, window_end: 30 }
  }))
]

const runCase = async (index) => {
  const c = CASES[index]
  const { createCts, runTool } = await import(pathToFileURL(path.join(root, "dist/index.js")).href)
  const dir = mkdtempSync(path.join(tmpdir(), "cts-bench-analyzers-"))
  const cts = await createCts({ dataDir: path.join(dir, "data"), concurrency: 1 })
  try {
    const cpuOf = async (input) => {
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

const main = async () => {
  const rows = []
  for (let i = 0; i < CASES.length; i++) {
    const c = CASES[i]
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--case", String(i)], { encoding: "utf8" })
    const line = child.stdout.trim().split("\n").filter((l) => l.startsWith("{")).pop()
    if (!line) {
      rows.push({ tool: c.tool, log: c.log, result: `crashed: ${child.stderr.trim().split("\n").pop()}` })
      continue
    }
    const r = JSON.parse(line)
    const copies = c.copies ?? 1
    const minutes = logMinutes(c.log) * copies
    const perMin = Math.max(0, r.cpu - r.overhead) / minutes
    rows.push({
      tool: c.tool,
      log: copies > 1 ? `${c.log} ×${copies}` : c.log,
      result: r.status === "completed" ? "completed" : `${r.status} (${r.error})`,
      "wall s": r.wall.toFixed(2),
      "in run s": r.inRun === null ? "" : r.inRun.toFixed(2),
      "CPU s": r.cpu.toFixed(2),
      "run overhead CPU s": r.overhead.toFixed(2),
      "log min": minutes.toFixed(2),
      "analysis CPU s per log min": perMin.toFixed(2),
      "analysis CPU µs per frame": ((Math.max(0, r.cpu - r.overhead) * 1e6) / (frameCount(c.log) * copies)).toFixed(2),
      target: r.status === "completed" ? (perMin < TARGET_S_PER_MIN ? "ok (< 2)" : "OVER") : "n/a",
      "peak RSS MB": r.rssMb.toFixed(0)
    })
  }
  const load = (await import("node:os")).loadavg()[0]
  console.log("analyzers: each case in its own process. 'in run' = the run record's started → finished. CPU = process user+system")
  console.log("time of the run, worker thread included. Run overhead = CPU of the same tool on an empty log (new worker, module")
  console.log(`load, store); analysis CPU = CPU − overhead. Target: analysis CPU s per log min < ${TARGET_S_PER_MIN}. Load average: ${load.toFixed(2)}`)
  console.table(rows)
}

const at = process.argv.indexOf("--case")
if (at >= 0) await runCase(Number(process.argv[at + 1]))
else await main()
