// One measurement in a fresh process, so peak RSS (maxRSS) belongs to this case alone.
// Usage: node bench/child.mjs '<json spec>'  → prints one JSON line.
import { openLog } from "../dist/log.js"
import { fileSource, readRouteFrames, routeSource } from "../dist/log-node.js"

const spec = JSON.parse(process.argv[2])

const onePass = async source => {
  const reader = spec.parallel ? readRouteFrames(spec.paths, { workers: spec.workers }) : openLog(source)
  let frames = 0
  let touched = 0
  const t0 = process.hrtime.bigint()
  const cpu0 = process.cpuUsage()
  if (spec.columns) {
    // openLog().columns() / readRouteFrames().columns(): packed columns, touched field by field.
    for await (const c of reader.columns()) {
      frames += c.count
      for (let i = 0, at = 0; i < c.count; i++) {
        touched += c.ends[i] - at + (c.addresses[i] & 1) + (c.srcs[i] & 3)
        at = c.ends[i]
      }
    }
  } else
    for await (const batch of reader.frames()) {
      frames += batch.length
      // Touch every frame's fields the way a consumer would, so nothing is measured that is never used.
      for (let i = 0; i < batch.length; i++) touched += batch[i].data.length + (batch[i].address & 1) + batch[i].bus
    }
  if (touched < 0) throw new Error("unreachable")
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  const cpu = process.cpuUsage(cpu0)
  const s = reader.stats
  return {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    frames,
    events: s.totalEvents,
    bytesIn: s.bytesIn,
    bytesDecompressed: s.bytesDecompressed,
    warnings: s.warnings.length
  }
}

const sourceFor = () =>
  spec.paths
    ? routeSource(spec.paths, { highWaterMark: spec.highWaterMark })
    : spec.repeat
      ? routeSource(
          Array.from({ length: spec.repeat }, () => spec.path),
          { highWaterMark: spec.highWaterMark }
        )
      : fileSource(spec.path, { highWaterMark: spec.highWaterMark })

if (spec.baselineOnly) {
  process.stdout.write(JSON.stringify({ peakRssBytes: process.resourceUsage().maxRSS * 1024 }) + "\n")
  process.exit(0)
}

const total = { seconds: 0, cpuSeconds: 0, frames: 0, events: 0, bytesIn: 0, bytesDecompressed: 0, passes: 0, warnings: 0 }
for (let i = 0; i < (spec.warmup ?? 0); i++) await onePass(sourceFor())
do {
  const r = await onePass(sourceFor())
  for (const k of Object.keys(r)) total[k] += r[k]
  total.passes++
} while (total.seconds < (spec.minSeconds ?? 0) || total.passes < (spec.minPasses ?? 1))

process.stdout.write(JSON.stringify({ ...total, peakRssBytes: process.resourceUsage().maxRSS * 1024 }) + "\n")
