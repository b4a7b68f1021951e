// npm run bench:artifact-input — the same rlog-to-csv run on a 48 MB .zst (RAV4 ×50) given as a path input
// (the worker reads the file through its descriptor) and as an uploaded artifact (the worker reads it through
// the ArtifactStore, over the executor link), runs alternating, median of BENCH_RUNS (default 5).
// The read path alone: a tool that only hashes one pass over the same input. BENCH_BASELINE=<checkout with a
// build> times that build's rlog-to-csv runs too, in turn with this one.
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { availableParallelism, loadavg, tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, "..")
const raw = path.resolve(root, "../shared/data/rlog/rav4_seg40.rlog")
const passTool = path.join(root, "tests/core/fixtures/input-pass-tools.mjs")
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const fmt = (n, d = 2) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d })
const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const dir = mkdtempSync(path.join(tmpdir(), "cts-artifact-input-"))
const big = path.join(dir, "rav4x50.rlog.zst")
writeFileSync(
  big,
  execFileSync("zstd", ["-q", "-3", "-T0", "-c"], { input: Buffer.concat(Array.from({ length: 50 }, () => readFileSync(raw))), maxBuffer: 1 << 30 })
)

/** A client of the build under `checkout`, with `big` uploaded. */
const open = async (checkout, name) => {
  const { createCts } = await import(pathToFileURL(path.join(checkout, "dist/index.js")).href)
  const cts = await createCts({ dataDir: path.join(dir, name), concurrency: 1, inputRoots: [dir], extraToolModules: [passTool], env: {} })
  return { cts, upload: await cts.upload(big, "rav4x50.rlog.zst") }
}
const timeRun = async (cts, input, tool = "rlog-to-csv") => {
  const params = tool === "rlog-to-csv" ? { addresses: [0x7ff] } : { passes: 1 }
  const t0 = process.hrtime.bigint()
  const done = await cts.wait((await cts.submit(tool, { input, params })).id)
  if (done.status !== "completed") throw new Error(`run ${done.status}: ${JSON.stringify(done.error)}`)
  return Number(process.hrtime.bigint() - t0) / 1e9
}

try {
  console.log(
    `\nartifact input vs path input — node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()
      .map(l => l.toFixed(2))
      .join(" ")}`
  )
  console.log(
    `input: RAV4 raw ×50 → zstd -3 = ${fmt(statSync(big).size / 1048576, 1)} MB; rlog-to-csv with an address filter matching nothing; median of ${RUNS} runs`
  )
  const current = await open(root, "current")
  const baseline = process.env.BENCH_BASELINE ? await open(path.resolve(process.env.BENCH_BASELINE), "baseline") : undefined
  const cases = [
    ["path input (this build)", () => timeRun(current.cts, { type: "path", path: big })],
    ["uploaded artifact input (this build)", () => timeRun(current.cts, { type: "artifact", id: current.upload.id })],
    ["read only (sha256 of one pass), path input", () => timeRun(current.cts, { type: "path", path: big }, "input-passes")],
    ["read only (sha256 of one pass), artifact input", () => timeRun(current.cts, { type: "artifact", id: current.upload.id }, "input-passes")],
    ...(baseline
      ? [
          ["path input (BENCH_BASELINE)", () => timeRun(baseline.cts, { type: "path", path: big })],
          ["uploaded artifact input (BENCH_BASELINE)", () => timeRun(baseline.cts, { type: "artifact", id: baseline.upload.id })]
        ]
      : [])
  ]
  await cases[0][1]()
  const times = cases.map(() => [])
  for (let i = 0; i < RUNS; i++) for (const [k, [, run]] of cases.entries()) times[k].push(await run())
  for (const [k, [what]] of cases.entries()) console.log(`${what.padEnd(44)} ${fmt(median(times[k])).padStart(8)} s`)
  await current.cts.close()
  await baseline?.cts.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
