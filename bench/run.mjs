// npm run bench — reader throughput and memory on the RAV4 fixtures and a ~1 GB log built here.
// Flags: --quick skips the 1 GB case.
import { execFileSync, spawn, spawnSync } from "node:child_process"
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"

const here = path.dirname(fileURLToPath(import.meta.url))
const rlogDir = path.resolve(here, "../../shared/data/rlog")
const quick = process.argv.includes("--quick")
const TARGET_FPS = 2_000_000
const TARGET_RSS = 150 * 1024 * 1024
const LARGE_BYTES = 1_000_000_000

const fmt = (n, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
const mb = bytes => `${fmt(bytes / 1048576, 1)} MB`

const measure = spec => {
  const out = execFileSync(process.execPath, [path.join(here, "child.mjs"), JSON.stringify(spec)], { encoding: "utf8", maxBuffer: 1 << 20 })
  return JSON.parse(out.trim().split("\n").pop())
}

const hasCli = cmd => spawnSync(cmd, ["--version"], { stdio: "ignore" }).status === 0

/** Mean wall time of `cmd args > /dev/null` over `runs`, seconds. */
const timeCli = (cmd, args, runs) => {
  let total = 0
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "inherit"] })
    total += Number(process.hrtime.bigint() - t0) / 1e9
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed`)
  }
  return total / runs
}

const row = (cells, widths) => cells.map((c, i) => String(c).padStart(widths[i])).join("  ")

const main = async () => {
  const zstdCli = hasCli("zstd")
  const bzip2Cli = hasCli("bzip2")
  console.log(`cts-lite log reader bench — node ${process.version}, ${process.platform}/${process.arch}`)
  console.log(`zstd CLI: ${zstdCli ? execFileSync("zstd", ["-V"], { encoding: "utf8" }).trim() : "zstd CLI not installed"}`)
  console.log(
    `load average at start: ${loadavg()
      .map(l => l.toFixed(2))
      .join(" ")} (figures drop when other work shares the CPUs)`
  )
  const baseline = measure({ baselineOnly: true }).peakRssBytes
  console.log(`peak RSS of a process that only imports ../dist/log.js (cts-lite/log baseline): ${mb(baseline)}`)
  console.log("each case runs in a fresh child process; frames() is consumed touching every frame's data, address and bus")
  console.log("")

  const widths = [22, 7, 11, 11, 13, 11, 10, 26]
  console.log(row(["file", "passes", "events/s", "frames/s", "frames/CPU-s", "MB/s (dec)", "peak RSS", "CLI decompress (floor)"], widths))
  for (const name of ["rav4_seg40.rlog", "rav4_seg40.rlog.zst", "rav4_seg40.rlog.bz2"]) {
    const file = path.join(rlogDir, name)
    const r = measure({ path: file, warmup: 2, minSeconds: 2, minPasses: 3 })
    const decompressed = r.bytesDecompressed / r.passes
    let cli = "n/a (raw)"
    // The CLIs decompress several copies per run so process start-up does not dominate.
    const copies = Array.from({ length: 20 }, () => file)
    if (name.endsWith(".zst"))
      cli = zstdCli ? `${fmt((20 * decompressed) / 1e6 / timeCli("zstd", ["-d", "-q", "-c", ...copies], 3), 0)} MB/s zstd -d` : "zstd CLI not installed"
    if (name.endsWith(".bz2"))
      cli = bzip2Cli
        ? `${fmt((4 * decompressed) / 1e6 / timeCli("bzip2", ["-d", "-c", ...copies.slice(0, 4)], 1), 0)} MB/s bzip2 -d`
        : "bzip2 CLI not installed"
    console.log(
      row(
        [
          name,
          r.passes,
          fmt(r.events / r.seconds),
          fmt(r.frames / r.seconds),
          fmt(r.frames / r.cpuSeconds),
          fmt(r.bytesDecompressed / 1e6 / r.seconds, 1),
          mb(r.peakRssBytes),
          cli
        ],
        widths
      )
    )
  }
  console.log("(small files: several passes in one process, so their peak RSS includes buffers not yet collected between passes)")
  if (quick) console.log("\n--quick: 1 GB case skipped")
  else await largeCase(zstdCli, baseline)
  console.log(
    `\nload average at end: ${loadavg()
      .map(l => l.toFixed(2))
      .join(" ")}`
  )
}

const largeCase = async (zstdCli, baseline) => {
  const raw = path.join(rlogDir, "rav4_seg40.rlog")
  const copies = Math.ceil(LARGE_BYTES / statSync(raw).size)
  console.log("")
  const dir = mkdtempSync(path.join(tmpdir(), "cts-bench-"))
  const cleanup = () => rmSync(dir, { recursive: true, force: true })
  process.once("SIGINT", () => {
    cleanup()
    process.exit(130)
  })
  try {
    let r
    let label
    let floor = ""
    if (zstdCli) {
      const zst = path.join(dir, "large.rlog.zst")
      const t0 = Date.now()
      await compressRepeated(raw, copies, zst)
      label = `RAV4 raw ×${copies} (${mb(copies * statSync(raw).size)}) → zstd -3 = ${mb(statSync(zst).size)}, built in ${fmt((Date.now() - t0) / 1000, 1)} s`
      r = measure({ path: zst })
      floor = `zstd -d -c > /dev/null: ${fmt(timeCli("zstd", ["-d", "-q", "-c", zst], 1), 2)} s`
    } else {
      label = `zstd CLI not installed: RAV4 raw ×${copies} (${mb(copies * statSync(raw).size)}) streamed raw as a ${copies}-segment route`
      r = measure({ path: raw, repeat: copies })
    }
    console.log(`1 GB case: ${label}`)
    const fps = r.frames / r.seconds
    console.log(`  ${fmt(r.frames)} frames, ${fmt(r.events)} events in ${fmt(r.seconds, 2)} s wall, ${fmt(r.cpuSeconds, 2)} s CPU`)
    console.log(
      `  frames/s ${fmt(fps)}   (target ≥ ${fmt(TARGET_FPS)} from a large .zst: ${zstdCli ? (fps >= TARGET_FPS ? "met" : "NOT met") : "not measured, no .zst"})`
    )
    console.log(`  frames per CPU-second ${fmt(r.frames / r.cpuSeconds)} (wall-clock rate is what the target is judged on)`)
    console.log(`  events/s ${fmt(r.events / r.seconds)}   MB/s decompressed ${fmt(r.bytesDecompressed / 1e6 / r.seconds, 1)}`)
    console.log(
      `  peak RSS ${mb(r.peakRssBytes)}   (target < ${mb(TARGET_RSS)}: ${r.peakRssBytes < TARGET_RSS ? "met" : "NOT met"}; the import alone is ${mb(baseline)}, so reading adds ${mb(r.peakRssBytes - baseline)})`
    )
    if (floor) console.log(`  ${floor}`)
  } finally {
    cleanup()
  }
}

/** Pipes `copies` copies of `file` into `zstd -3 -T0` writing `out`, respecting backpressure. */
const compressRepeated = (file, copies, out) =>
  new Promise((resolve, reject) => {
    const bytes = readFileSync(file)
    const child = spawn("zstd", ["-q", "-3", "-T0", "-c"], { stdio: ["pipe", "pipe", "inherit"] })
    child.stdout.pipe(createWriteStream(out))
    child.on("error", reject)
    child.on("close", code => (code === 0 ? resolve() : reject(new Error(`zstd exited with ${code}`))))
    let i = 0
    const write = () => {
      while (i < copies) {
        i++
        if (!child.stdin.write(bytes)) return child.stdin.once("drain", write)
      }
      child.stdin.end()
    }
    write()
  })

main().catch(e => {
  console.error(e)
  process.exit(1)
})
