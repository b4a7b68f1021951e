// A cts-lite tool: copy this folder, rename the id, and change `run`. Register the module with
// `extraToolModules: ["./tool.mjs"]` (SDK `runTool`/`createCts`, or `startServer({ core: { extraToolModules } })`);
// worker threads import this same file to run it. See docs/adding-a-tool.md.
import { defineTool, openLog } from "cts-lite"
import { Schema } from "effect"

const Params = Schema.Struct({
  min_frames: Schema.optionalWith(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1)), { default: () => 1 }).annotations({
    description: "List only addresses with at least this many frames."
  })
})

export const canFrameCountsTool = defineTool({
  id: "can-frame-counts",
  name: "CAN frame counts",
  description: "Counts the CAN frames of a log (several files are read in order as one route) per bus and address.",
  category: "analyzer",
  version: "1.0.0",
  params: Params,
  // The core checks each input against these kinds before `run` (wrong_input_type otherwise).
  inputs: [{ kind: "rlog", description: "An rlog or qlog (raw, .zst or .bz2).", multiple: true }],
  outputs: [{ name: "counts.csv", contentType: "text/csv", description: "bus,address,frames per address, by bus then address" }],
  // `run` may be async (as here) or return an Effect; a thrown ValidationError/ToolError is kept as is.
  run: async ctx => {
    const reader = openLog(
      ctx.inputs.map(input => input.open()),
      { signal: ctx.signal, limits: ctx.readLimits }
    )
    const counts = new Map()
    let frames = 0
    for await (const batch of reader.frames()) {
      for (const frame of batch) {
        const key = `${frame.src},${frame.address}`
        counts.set(key, (counts.get(key) ?? 0) + 1)
        frames++
      }
    }
    const rows = [...counts]
      .map(([key, n]) => [...key.split(",").map(Number), n])
      .filter(([, , n]) => n >= ctx.params.min_frames)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    const csv = ["bus,address,frames", ...rows.map(([bus, address, n]) => `${bus},0x${address.toString(16).toUpperCase()},${n}`)].join("\n") + "\n"
    await ctx.artifacts.write("counts.csv", "text/csv", csv)
    const byBus = {}
    for (const [bus, , n] of [...counts].map(([key, n]) => [...key.split(",").map(Number), n])) byBus[bus] = (byBus[bus] ?? 0) + n
    ctx.log("info", `${frames} frames on ${Object.keys(byBus).length} buses`)
    return { summary: { frames, frames_by_bus: byBus, addresses: counts.size } }
  }
})
