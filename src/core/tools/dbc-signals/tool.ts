import { Effect } from "effect"
import { formatCanAddress, formatNsAsSeconds } from "../../can/csv-format.js"
import { loadBundledDbc } from "../../dbc/bundled-dbc.js"
import { parseDbcSource } from "../../dbc/dbc-source.js"
import type { Dbc } from "../../dbc/dbc-types.js"
import { ToolError, ValidationError } from "../../errors.js"
import { defineTool, type ResolvedInput, type ToolContext, type ToolResult } from "../define-tool.js"
import { baseArtifactMetadata, hashInputs } from "../shared/analysis-artifacts.js"
import { openArtifactChannel, type ArtifactChannel } from "../shared/artifact-channel.js"
import { csvCell, csvLine } from "../shared/csv-table.js"
import { runOrThrow } from "../shared/effect-bridge.js"
import { openRlogFrames, passProgress, reportLogWarnings } from "../shared/frame-source.js"
import { toCtsError } from "../shared/run-async.js"
import { messageFileName, selectMessages, type SelectedMessage } from "./message-selection.js"
import { DbcSignalsParams } from "./params.js"
import { createRowEncoder, type RowEncoder } from "./row-encoder.js"

const ID = "dbc-signals"

/** DBC files up to this size are parsed before the run is created (on the submitting thread); larger ones only in the run. */
const PRECHECK_DBC_BYTES = 2 * 1024 * 1024

const loadDbc = async (params: DbcSignalsParams, dbcFiles: ReadonlyArray<ResolvedInput>) => {
  if (dbcFiles.length > 1 || (dbcFiles.length === 1 && params.dbc !== undefined)) {
    throw new ValidationError({
      code: "ambiguous_dbc",
      message: "Give exactly one DBC: either the `dbc` param (a bundled name) or one DBC file input.",
      suggestedAction: "Drop the extra DBC."
    })
  }
  if (dbcFiles.length === 1) {
    const dbc: Dbc = await runOrThrow(parseDbcSource(dbcFiles[0].open()))
    return { dbc, label: `${dbcFiles[0].name} (sha256 ${await dbcFiles[0].digest()})` }
  }
  if (params.dbc === undefined) {
    throw new ValidationError({
      code: "missing_dbc",
      message: "No DBC: set the `dbc` param to a bundled name or pass a DBC file as an input.",
      suggestedAction: "For example dbc=toyota_new_mc_pt_generated."
    })
  }
  return { dbc: await runOrThrow(loadBundledDbc(params.dbc)), label: `bundled ${params.dbc}` }
}

/** The inputs as logs and DBC files (their kinds checked by the core); at least one log. */
const sortInputs = (inputs: ReadonlyArray<ResolvedInput>) => {
  const logs = inputs.filter(i => i.kind === "rlog")
  const dbcs = inputs.filter(i => i.kind === "dbc")
  if (logs.length === 0) {
    throw new ValidationError({ code: "missing_input", message: `${ID} needs an rlog input besides the DBC.`, suggestedAction: "Pass the log to decode." })
  }
  return { logs, dbcs }
}

/** Loads the DBC and selects the messages and signals the params name. */
const loadSelection = async (params: DbcSignalsParams, dbcs: ReadonlyArray<ResolvedInput>) => {
  const { dbc, label } = await loadDbc(params, dbcs)
  return { dbc, label, selected: selectMessages(dbc, params.messages, params.signals) }
}

/** Every check that needs no CAN frame, before the run is created. */
const precheck = ({ inputs, params }: { readonly inputs: ReadonlyArray<ResolvedInput>; readonly params: DbcSignalsParams }) =>
  Effect.tryPromise({
    try: async () => {
      const { dbcs } = await sortInputs(inputs)
      if (dbcs.every(d => d.size <= PRECHECK_DBC_BYTES)) await loadSelection(params, dbcs)
    },
    catch: e => toCtsError(ID, new AbortController().signal, e)
  })

const run = async (ctx: ToolContext<DbcSignalsParams>): Promise<ToolResult> => {
  const { logs, dbcs } = await sortInputs(ctx.inputs)
  const { dbc, label, selected } = await loadSelection(ctx.params, dbcs)
  ctx.log("info", `Decoding ${selected.length} message(s) of ${label} (${ctx.params.layout} layout)`)
  const byAddress = new Map<number, SelectedMessage>(selected.map(s => [s.message.address, s]))
  const encoders = new Map<number, RowEncoder>(selected.map(s => [s.message.address, createRowEncoder(s)]))
  const busFilter = ctx.params.bus ? new Set(ctx.params.bus) : undefined
  const meta = async () => {
    await hashInputs(ctx)
    return { ...baseArtifactMetadata(ID, ctx), dbc: label, time_base: "seconds since the first CAN frame" }
  }
  const long = ctx.params.layout === "long"
  const channels = new Map<number, { channel: ArtifactChannel; file: string; rows: number }>()
  const taken = new Set<string>()
  let longChannel: ArtifactChannel | undefined
  let longRows = 0
  const seenSrc = new Set<number>()
  let baseNs: number | undefined
  let lastTimeNs = -1
  let time = ""
  const channelFor = (sel: SelectedMessage) => {
    let c = channels.get(sel.message.address)
    if (!c) {
      const file = messageFileName(sel.message, taken)
      const channel = openArtifactChannel(ctx, file, "text/csv", async () => ({ ...(await meta()), message: sel.message.name }))
      channel.push(csvLine(["time", "addr", "bus", ...sel.signals.map(s => s.name)]))
      channels.set(sel.message.address, (c = { channel, file, rows: 0 }))
    }
    return c
  }
  let pass: ReturnType<typeof openRlogFrames> | undefined
  try {
    pass = openRlogFrames(logs, ctx.signal, passProgress(ctx, 0, 1, "decoding", 0, 0.95), ctx.readLimits)
    for await (const batch of pass.batches) {
      if (ctx.signal.aborted) throw ctx.signal.reason
      for (const f of batch) {
        baseNs ??= f.timeNs
        seenSrc.add(f.src)
        if (busFilter && !busFilter.has(f.src)) continue
        const sel = byAddress.get(f.address)
        if (!sel) continue
        const encoder = encoders.get(f.address)!
        if (f.timeNs !== lastTimeNs) {
          lastTimeNs = f.timeNs
          time = formatNsAsSeconds(f.timeNs - baseNs)
        }
        if (long) {
          if (!longChannel) {
            longChannel = openArtifactChannel(ctx, "signals.csv", "text/csv", meta)
            longChannel.push(csvLine(["time", "addr", "bus", "message", "signal", "value"]))
          }
          const prefix = `${time},${encoder.address},${f.src},${csvCell(sel.message.name)},`
          let text = ""
          encoder.each(f.data, (name, value) => {
            longRows++
            text += `${prefix}${csvCell(name)},${value}\n`
          })
          const wait = text.length > 0 ? longChannel.push(text) : undefined
          if (wait) await wait
        } else {
          const c = channelFor(sel)
          c.rows++
          const wait = c.channel.push(`${time},${encoder.address},${f.src}${encoder.cells(f.data)}\n`)
          if (wait) await wait
        }
      }
    }
  } catch (e) {
    for (const c of channels.values()) c.channel.fail(e)
    longChannel?.fail(e)
    throw e
  }
  if (channels.size === 0 && (longRows === 0 || !longChannel)) {
    longChannel?.fail(new Error("no rows"))
    const present = [...seenSrc].sort((a, b) => a - b)
    throw new ToolError({
      code: "no_matching_frames",
      message: `${ID}: none of the ${selected.length} chosen DBC messages appears${busFilter ? ` on bus ${[...busFilter].join(", ")}` : ""} in the log (buses present: ${present.join(", ") || "none — the log has no CAN frames"}).`,
      suggestedAction: "Check that the DBC matches the car, and the bus filter against the buses present."
    })
  }
  const warnings = reportLogWarnings(ctx, pass?.stats())
  const files: Array<{ message: string; address: string; file: string; rows: number; signals: string[] }> = []
  for (const [address, c] of channels) {
    await c.channel.close()
    const sel = byAddress.get(address)!
    files.push({ message: sel.message.name, address: formatCanAddress(address), file: c.file, rows: c.rows, signals: sel.signals.map(s => s.name) })
  }
  if (longChannel) await longChannel.close()
  const index = { dbc: label, layout: ctx.params.layout, messages_selected: selected.length, files, long_rows: long ? longRows : undefined }
  await ctx.artifacts.write("dbc_signals_index.json", "application/json", JSON.stringify(index, null, 2), await meta())
  ctx.progress(1, "done")
  return {
    summary: {
      dbc: label,
      layout: ctx.params.layout,
      messages_decoded: long ? undefined : files.length,
      rows: long ? longRows : files.reduce((s, f) => s + f.rows, 0),
      log_warnings: warnings
    }
  }
}

/** dbc-signals: decodes chosen DBC messages of a log into cabana-style CSVs. */
export const dbcSignals = defineTool({
  id: ID,
  name: "DBC signals",
  description:
    "Decodes the CAN frames of a log with a DBC (a bundled opendbc file by name, or your own DBC file) into CSV: cabana's per-message layout `time,addr,bus,<signals…>` (one file per message) or one long `time,addr,bus,message,signal,value` file. Intel/Motorola, signed, factor/offset and multiplexed signals.",
  category: "analyzer",
  version: "1.0.0",
  params: DbcSignalsParams,
  inputs: [
    { kind: "rlog", description: "An rlog or qlog (raw, .zst or .bz2); several files are read in order as one route.", multiple: true },
    { kind: "dbc", description: "Optional DBC file (instead of the `dbc` param)." }
  ],
  outputs: [
    { name: "<MESSAGE>.csv", contentType: "text/csv", description: "per-message layout: time,addr,bus,<signals…>" },
    { name: "signals.csv", contentType: "text/csv", description: "long layout: time,addr,bus,message,signal,value" },
    { name: "dbc_signals_index.json", contentType: "application/json", description: "the DBC used, the files written and their row counts" }
  ],
  defaultTimeoutMs: 10 * 60_000,
  precheck,
  run
})
