// npm run bench (part 2) — cts-lite against native tools on one 48 MB .zst (RAV4 ×50) and a 10-segment
// route of the same bytes, CLI start-up and the cts-lite/log import. Every figure below is measured in
// this run; the native reader is built here from bench/native-reader.cc when capnp/libzstd are installed.
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { availableParallelism, loadavg, tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, "..")
const raw = path.resolve(root, "../shared/data/rlog/rav4_seg40.rlog")
const COPIES = 50
const SEGMENTS = 10
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const START_RUNS = 9

const fmt = (n, d = 2) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d })
const mb = b => `${fmt(b / 1048576, 1)} MB`
const has = (cmd, args = ["--version"]) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0

const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** Median wall time of `runs` runs of a command (stdout discarded), seconds. */
const timeCmd = (cmd, args, { runs = RUNS, env } = {}) => {
  const times = []
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], env: env ?? process.env, maxBuffer: 1 << 24 })
    times.push(Number(process.hrtime.bigint() - t0) / 1e9)
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`)
  }
  return median(times)
}
/** Median wall times of several commands run in turn (A, B, A, B, …), so drifting load on the machine affects each alike. */
const timeAlternating = (commands, { runs = RUNS, env } = {}) => {
  const times = commands.map(() => [])
  for (let i = 0; i < runs; i++) commands.forEach(([cmd, args], k) => times[k].push(timeCmd(cmd, args, { runs: 1, env })))
  return times.map(median)
}
const peakRss = (cmd, args, env) => {
  if (!has("/usr/bin/time", ["-f", "%M", "true"])) return undefined
  const r = spawnSync("/usr/bin/time", ["-f", "%M", cmd, ...args], { encoding: "utf8", env: env ?? process.env, stdio: ["ignore", "ignore", "pipe"] })
  return Number(r.stderr.trim().split("\n").pop()) * 1024
}

const zstdCompress = (copies, out) => {
  const bytes = readFileSync(raw)
  const input = Buffer.concat(Array.from({ length: copies }, () => bytes))
  writeFileSync(out, execFileSync("zstd", ["-q", "-3", "-T0", "-c"], { input, maxBuffer: 1 << 30 }))
}

const buildNative = dir => {
  if (!has("g++")) return { missing: "g++ not installed (apt-get install g++)" }
  const bin = path.join(dir, "native-reader")
  const r = spawnSync("g++", ["-O2", "-std=c++17", "-o", bin, path.join(here, "native-reader.cc"), "-lcapnp", "-lkj", "-lzstd"], { encoding: "utf8" })
  if (r.status !== 0) return { missing: "libcapnp-dev / libzstd-dev not installed (apt-get install capnproto libcapnp-dev libzstd-dev)" }
  return { bin }
}

const readerOnce = (spec, env) => {
  const out = execFileSync(process.execPath, [path.join(here, "child.mjs"), JSON.stringify(spec)], { encoding: "utf8", env })
  return JSON.parse(out.trim().split("\n").pop())
}
/** The reader in a fresh process, `RUNS` times: the run with the median wall time. */
const readerAlone = (spec, env) => {
  const all = Array.from({ length: RUNS }, () => readerOnce(spec, env)).sort((a, b) => a.seconds - b.seconds)
  return all[(all.length - 1) >> 1]
}

const row = cells => console.log(cells.map((c, i) => String(c)[i === 0 ? "padEnd" : "padStart"]([44, 10, 12, 11, 30][i])).join(" "))

const main = () => {
  console.log(
    `\ncts-lite against native — node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()
      .map(l => l.toFixed(2))
      .join(" ")}`
  )
  if (!has("zstd", ["-V"])) {
    console.log("zstd CLI not installed (apt-get install zstd): the 48 MB .zst cannot be built, native comparison skipped")
    return
  }
  const dir = mkdtempSync(path.join(tmpdir(), "cts-native-"))
  try {
    const big = path.join(dir, "rav4x50.rlog.zst")
    zstdCompress(COPIES, big)
    const segs = Array.from({ length: SEGMENTS }, (_, i) => path.join(dir, `seg${i}.rlog.zst`))
    zstdCompress(COPIES / SEGMENTS, segs[0])
    for (const s of segs.slice(1)) writeFileSync(s, readFileSync(segs[0]))
    const native = buildNative(dir)
    const dataDir = path.join(dir, "data")
    const env = { ...process.env, CTS_DATA_DIR: dataDir, NO_COLOR: "1" }
    const cts = path.join(root, "bin/cts.mjs")
    // BENCH_BASELINE=<checkout with a build> also times that build's `cts run`, in turn with this one.
    const baseline = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE, "bin/cts.mjs") : undefined
    const ctsRun = (paths, bin = cts) => [
      bin,
      "run",
      "rlog-to-csv",
      ...paths.flatMap(p => ["--path", p]),
      "-p",
      "addresses=0x7ff",
      "--out-dir",
      path.join(dir, "out"),
      "--force"
    ]
    console.log(
      `file: RAV4 raw ×${COPIES} → zstd -3 = ${mb(statSync(big).size)}; route: ${SEGMENTS} segments of RAV4 ×${COPIES / SEGMENTS} (${mb(segs.reduce((n, s) => n + statSync(s).size, 0))}); median of ${RUNS} runs each (BENCH_RUNS), measured on whatever else shares the machine`
    )
    console.log(`zstd decoder in use: ${process.env.CTS_ZSTD_DECODER ?? "auto (node:zlib on Node ≥ 22.15, else zstd-napi, else fzstd)"}`)
    console.log("")
    row(["what", "wall s", "frames/s", "× native", "target"])
    const nativeBig = native.bin ? timeCmd(native.bin, [big]) : undefined
    const nativeRoute = native.bin ? timeCmd(native.bin, segs) : undefined
    const share = (s, n) => (n === undefined ? "n/a" : fmt(n / s))
    const frames = readerOnce({ path: big }, env).frames
    const line = (what, s, n, target) => row([what, fmt(s), fmt(frames / s, 0), share(s, n), target ?? ""])
    if (native.bin) line("native reader (libcapnp + libzstd), 1 thread", nativeBig, nativeBig)
    else console.log(`native reader: ${native.missing}`)
    line("zstd -d -c > /dev/null (decompression only)", timeCmd("zstd", ["-d", "-q", "-c", big]), nativeBig)
    const alone = readerAlone({ path: big }, env)
    line("cts-lite reader alone (openLog().frames())", alone.seconds, nativeBig)
    line("  same, openLog().columns() (no frame objects)", readerAlone({ path: big, columns: true }, env).seconds, nativeBig)
    const [whole, wholeBaseline] = timeAlternating([[process.execPath, ctsRun([big])], ...(baseline ? [[process.execPath, ctsRun([big], baseline)]] : [])], {
      env
    })
    const target = (s, n, t) => (n === undefined ? `≥ ${t} × native (not measured)` : `≥ ${t} × native: ${n / s >= t ? "met" : "NOT met"}`)
    line("cts run rlog-to-csv, whole process", whole, nativeBig, target(whole, nativeBig, 0.5))
    if (baseline) line("  same, baseline build (BENCH_BASELINE)", wholeBaseline, nativeBig)
    if (native.bin) line(`native reader, ${SEGMENTS}-segment route`, nativeRoute, nativeRoute)
    const routeAlone = readerAlone({ paths: segs }, env)
    line(`cts-lite reader alone, ${SEGMENTS}-segment route`, routeAlone.seconds, nativeRoute)
    const wholeRoute = timeCmd(process.execPath, ctsRun(segs), { env })
    line(`cts run rlog-to-csv, ${SEGMENTS}-segment route`, wholeRoute, nativeRoute, target(wholeRoute, nativeRoute, 1.0))
    const routeParallel = readerAlone({ paths: segs, parallel: true }, env)
    line(
      `cts-lite reader, ${SEGMENTS}-segment route, readRouteFrames (${availableParallelism()} threads)`,
      routeParallel.seconds,
      nativeRoute,
      target(routeParallel.seconds, nativeRoute, 1.0)
    )
    const routeColumns = readerAlone({ paths: segs, parallel: true, columns: true }, env)
    line(`  same, readRouteFrames().columns() (no frame objects)`, routeColumns.seconds, nativeRoute, target(routeColumns.seconds, nativeRoute, 1.0))
    console.log(
      `(openLog and cts run read a route segment after segment on one thread; readRouteFrames from cts-lite/log/node decodes segments on worker threads into shared column buffers and hands them over in order: frames() builds frame objects from them, columns() does not)`
    )

    console.log(`\nCLI start (median of ${START_RUNS} runs, wall)`)
    const start = (args, limit) => {
      const s = timeCmd(process.execPath, [cts, ...args], { runs: START_RUNS, env })
      console.log(
        `  cts ${args.join(" ").padEnd(8)} ${fmt(s * 1000, 0).padStart(5)} ms   (target < ${limit} ms: ${s * 1000 < limit ? "met" : "NOT met"}; ${fmt((s - nodeStart) * 1000, 0)} ms over node's own start)`
      )
    }
    const nodeStart = timeCmd(process.execPath, ["-e", "0"], { runs: START_RUNS })
    console.log(`  node -e 0   ${fmt(nodeStart * 1000, 0).padStart(5)} ms   (node's own start; a loaded machine slows every line alike)`)
    start(["--help"], 150)
    start(["version"], 150)
    start(["cap"], 300)

    console.log("\nRSS")
    const importRss = peakRss(process.execPath, ["--input-type=module", "-e", `await import(${JSON.stringify(path.join(root, "dist/log.js"))})`])
    const nodeRss = peakRss(process.execPath, ["-e", "0"])
    if (importRss === undefined) console.log("  GNU time not installed: RSS not measured")
    else {
      const added = importRss - nodeRss
      console.log(
        `  node -e 0: ${mb(nodeRss)}; import cts-lite/log: ${mb(importRss)}, ${mb(added)} over node's own (target < 30 MB: ${added < 30 * 1048576 ? "met" : "NOT met"}; node alone is over 30 MB)`
      )
      console.log(`  cts run rlog-to-csv on the 48 MB file: ${mb(peakRss(process.execPath, ctsRun([big]), env))} peak; reader alone ${mb(alone.peakRssBytes)}`)
    }
    browserBundle(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Size of cts-lite/log bundled for browsers (esbuild, minified, nothing external): what a web app ships to read logs. */
const browserBundle = dir => {
  const out = path.join(dir, "log.browser.js")
  const esbuild = path.join(root, "node_modules/.bin/esbuild")
  const r = spawnSync(
    esbuild,
    [path.join(root, "src/log.ts"), "--bundle", "--minify", "--format=esm", "--platform=browser", `--outfile=${out}`, "--log-level=error"],
    { encoding: "utf8" }
  )
  if (r.status !== 0) return console.log(`  browser bundle of cts-lite/log: esbuild failed: ${r.stderr.trim().split("\n")[0]}`)
  const gz = spawnSync("gzip", ["-9", "-c", out]).stdout?.length
  console.log(`  browser bundle of cts-lite/log (esbuild --minify): ${fmt(statSync(out).size / 1024, 0)} KiB${gz ? `, ${fmt(gz / 1024, 0)} KiB gzipped` : ""}`)
}

main()
