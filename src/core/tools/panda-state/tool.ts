import { Schema } from "effect"
import { ToolError } from "../../errors.js"
import { openLog } from "../../log/open-log.js"
import { defineMonitor } from "../../monitors/define-monitor.js"
import { healthOfPandaState } from "../../monitors/log-panda-states.js"
import { MonitorSourceFields } from "../../monitors/monitor-params.js"
import { tableData } from "../../monitors/monitor-table.js"
import { logSourceLabel, type MonitorSource, monitorSourceKind } from "../../monitors/monitor-source.js"
import { runMonitor } from "../../monitors/run-monitor.js"
import type { ToolContext, ToolResult } from "../define-tool.js"
import { csvChunks } from "../shared/csv-table.js"
import { withDefault } from "../shared/param-schemas.js"
import { runToolAsync, throwIfAborted } from "../shared/run-async.js"
import { createStateChanges, describeChange, type StateChange, stateOfHealth } from "./state-changes.js"

const ID = "panda-state"

const Params = Schema.Struct({
  ...MonitorSourceFields,
  interval_ms: withDefault(
    Schema.Number.pipe(Schema.finite(), Schema.greaterThanOrEqualTo(10)),
    1000,
    "Read the panda's health this often (ms, wall time; panda and simulate sources)."
  )
}).annotations({ identifier: "PandaStateParams" })
type Params = typeof Params.Type

/** Reads the recorded `pandaStates` events of the input log; every one is a reading. */
const readLogStates = async (ctx: ToolContext<Params>, onChange: (c: StateChange) => void) => {
  const changes = createStateChanges()
  let t0: number | undefined
  let end: number | undefined
  for await (const batch of openLog(ctx.inputs.map(i => i.open())).events()) {
    throwIfAborted(ID, ctx.signal)
    for (const e of batch) {
      t0 ??= e.logMonoTime
      end ??= ctx.params.duration_s === undefined ? Infinity : t0 + ctx.params.duration_s * 1e9
      if (e.logMonoTime >= end) return { label: logSourceLabel(ctx), readings: changes.readings }
      if (e.which !== "pandaStates" || !e.pandaStates?.length) continue
      const c = changes.next((e.logMonoTime - t0) / 1e9, stateOfHealth(healthOfPandaState(e.pandaStates[0]), false))
      if (c) onChange(c)
    }
  }
  if (changes.readings === 0)
    throw new ToolError({
      code: "no_panda_states",
      message: `${ID}: the input log has no pandaStates events, so there is no recorded panda state to report.`,
      suggestedAction: "Use a log recorded with pandaStates (openpilot rlogs have them at 10 Hz), or source simulate / panda."
    })
  return { label: logSourceLabel(ctx), readings: changes.readings }
}

/** Polls a panda (or simulated panda) every interval_ms while its CAN is read. */
const pollDevice = async (
  ctx: ToolContext<Params>,
  onChange: (c: StateChange) => void
): Promise<{ finish: (s: Record<string, unknown>) => ToolResult; readings: number }> => {
  const changes = createStateChanges()
  const start = performance.now()
  let timer: ReturnType<typeof setInterval> | undefined
  let inFlight = false
  let pollError: string | undefined
  const poll = async (source: MonitorSource) => {
    if (inFlight || !source.health) return
    inFlight = true
    try {
      const c = changes.next((performance.now() - start) / 1000, stateOfHealth(await source.health(), true))
      if (c) onChange(c)
    } catch (e) {
      if (pollError === undefined) ctx.log("warn", `${ID}: health request failed: ${(pollError = e instanceof Error ? e.message : String(e))}`)
    } finally {
      inFlight = false
    }
  }
  try {
    const end = await runMonitor(
      ctx,
      ID,
      () => undefined,
      source => {
        void poll(source)
        timer = setInterval(() => void poll(source), ctx.params.interval_ms)
      }
    )
    return { finish: end.finish, readings: changes.readings }
  } finally {
    clearInterval(timer)
  }
}

/** panda-state: the panda's health every interval_ms (or the log's recorded pandaStates); each change is an event. */
export const pandaState = defineMonitor({
  id: ID,
  name: "Panda state",
  description:
    "Monitor: reads the panda's health every interval_ms (controls_allowed, safety mode and param, rx-invalid counters, ignition, faults, voltage and current) and logs an event whenever a field other than voltage/current changes. Sources: a panda, a simulated panda replaying a log (it reports the log's recorded pandaStates), or a log's pandaStates events directly.",
  params: Params,
  outputs: [
    { name: "panda-state.csv", contentType: "text/csv", description: "One row per change: time (s from the start), changed fields, and the state after it." },
    { name: "panda-state.json", contentType: "application/json", description: "The changes with their full states, and the number of readings." }
  ],
  run: ctx =>
    runToolAsync(ID, ctx, async () => {
      const changes: StateChange[] = []
      const onChange = (c: StateChange) => {
        changes.push(c)
        ctx.log(
          c.changed.includes("faults") || c.changed.includes("heartbeat_lost") ? "warn" : "info",
          describeChange(c),
          tableData({
            title: `${ID} at ${c.t_s} s`,
            columns: ["field", "value", "changed"],
            rows: Object.entries(c.state).map(([k, v]) => [k, v, c.changed.includes(k) ? "*" : ""])
          })
        )
      }
      const kind = monitorSourceKind(ctx)
      const run = kind === "log" ? await readLogStates(ctx, onChange).then(r => ({ ...r, finish: undefined })) : await pollDevice(ctx, onChange)
      await ctx.artifacts.write(
        "panda-state.csv",
        "text/csv",
        csvChunks(
          ["t_s", "changed", ...Object.keys(changes[0]?.state ?? stateOfHealth({}, true))],
          changes.map(c => ({ t_s: c.t_s, changed: c.changed.join(" "), ...c.state }))
        )
      )
      await ctx.artifacts.write("panda-state.json", "application/json", JSON.stringify({ readings: run.readings, changes }, null, 2))
      const summary = {
        readings: run.readings,
        changes: changes.length,
        controls_allowed_changes: changes.filter(c => c.changed.includes("controls_allowed")).length
      }
      return run.finish ? run.finish(summary) : { summary: { source: "label" in run ? run.label : kind, ...summary } }
    })
})
