import { Effect, Exit, Scope } from "effect"
import type { CanFrame } from "../can/can-frame.js"
import { ValidationError } from "../errors.js"
import { openLog } from "../log/open-log.js"
import { createSimulatedUsb, makePandaDevice, PandaDevice, type PandaHandle } from "../panda/panda-device.js"
import { PandaDeviceNodeLive } from "../panda/panda-device-node.js"
import type { PandaHealth } from "../panda/panda-structs.js"
import { createSimulatedPanda } from "../panda/simulated-panda.js"
import type { ToolContext } from "../tools/define-tool.js"
import { splitLogPandaStates } from "./log-panda-states.js"
import type { MonitorSourceParams } from "./monitor-params.js"

/** A monitor's live CAN: batches until the source ends, the duration passes or the run is stopped. */
export interface MonitorSource {
  readonly kind: "log" | "simulate" | "panda"
  /** What the source is, for the run log. */
  readonly label: string
  readonly frames: AsyncIterable<ReadonlyArray<CanFrame>>
  /** The panda's health (panda and simulated sources only). */
  readonly health?: () => Promise<PandaHealth>
  /** Receive counters of a panda source. */
  readonly counters: () => Record<string, number>
  readonly close: () => Promise<void>
}

/** Runs an Effect as a Promise that rejects with the typed error itself (not a FiberFailure wrapper). */
const promiseOf = async <A, E>(effect: Effect.Effect<A, E>): Promise<A> => {
  const r = await Effect.runPromise(Effect.either(effect))
  if (r._tag === "Left") throw r.left
  return r.right
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>(resolve => {
    const t = setTimeout(resolve, ms)
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true })
  })

/** Yields batches no faster than their recorded times allow at `speed` (0 = unpaced). */
async function* paced(frames: AsyncIterable<ReadonlyArray<CanFrame>>, speed: number, signal: AbortSignal): AsyncGenerator<ReadonlyArray<CanFrame>> {
  let t0: number | undefined
  const start = performance.now()
  for await (const batch of frames) {
    if (signal.aborted) return
    if (speed > 0 && batch.length > 0) {
      t0 ??= batch[0].timeNs
      const wait = (batch[0].timeNs - t0) / 1e6 / speed - (performance.now() - start)
      if (wait > 1) await sleep(wait, signal)
    }
    yield batch
  }
}

/** Cuts a frame stream at `durationS` seconds after its first frame and when `signal` aborts. */
async function* bounded(
  frames: AsyncIterable<ReadonlyArray<CanFrame>>,
  durationS: number | undefined,
  signal: AbortSignal
): AsyncGenerator<ReadonlyArray<CanFrame>> {
  let end: number | undefined
  for await (const batch of frames) {
    if (signal.aborted) return
    if (batch.length === 0) continue
    if (durationS !== undefined) {
      end ??= batch[0].timeNs + durationS * 1e9
      const keep = batch[batch.length - 1].timeNs < end ? batch : batch.filter(f => f.timeNs < end!)
      if (keep.length > 0) yield keep
      if (keep.length < batch.length) return
    } else yield batch
  }
}

/**
 * Frames of an open panda handle; a simulated replay ends once it has delivered everything. A stop ends
 * it at once, even while a transfer waits on a quiet bus (closing the device ends that transfer).
 */
async function* handleFrames(handle: PandaHandle, signal: AbortSignal, finished: () => boolean): AsyncGenerator<ReadonlyArray<CanFrame>> {
  const stopped = new Promise<null>(resolve => signal.addEventListener("abort", () => resolve(null), { once: true }))
  while (!signal.aborted) {
    const receiving = promiseOf(handle.receiveOnce)
    receiving.catch(() => undefined)
    const batch = await Promise.race([receiving, stopped])
    if (batch === null) return
    if (batch.length > 0) yield batch
    else if (finished()) return
  }
}

let monitorPandaDevice: PandaDevice["Type"] | undefined

/**
 * Sets the PandaDevice that monitors with source `panda` open in this thread (default: Node's `usb`,
 * one service per thread); e.g. `makePandaDevice(navigator.usb)` in a browser. Monitors in one thread
 * opening the same panda share its connection. `undefined` restores the default.
 */
export const setMonitorPandaDevice = (device: PandaDevice["Type"] | undefined): void => {
  monitorPandaDevice = device
}

const nodePandaDevice = (): Promise<PandaDevice["Type"]> => Effect.runPromise(Effect.provide(PandaDevice, PandaDeviceNodeLive))

const openPanda = async (svc: PandaDevice["Type"], serial: string | undefined) => {
  const scope = Effect.runSync(Scope.make())
  try {
    const handle = await promiseOf(svc.open(serial).pipe(Scope.extend(scope)))
    return { handle, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
  } catch (e) {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    throw e
  }
}

/** The source a monitor's params name once `auto` is resolved: `log` with an input, else `panda`. */
export const monitorSourceKind = (ctx: ToolContext<MonitorSourceParams>): "log" | "simulate" | "panda" =>
  ctx.params.source === "auto" ? (ctx.inputs.length > 0 ? "log" : "panda") : ctx.params.source

/** What a log source is, for the run log. */
export const logSourceLabel = (ctx: ToolContext<MonitorSourceParams>): string => `log ${ctx.inputs.map(i => i.name).join(", ")}`

/** Opens the source a monitor's params name: the input log, a simulated panda replaying it, or a real panda. */
export const openMonitorSource = async (ctx: ToolContext<MonitorSourceParams>, toolId: string): Promise<MonitorSource> => {
  const p = ctx.params
  const kind = monitorSourceKind(ctx)
  if (kind !== "panda" && ctx.inputs.length === 0)
    throw new ValidationError({
      code: "missing_input",
      message: `${toolId} with source ${kind} needs a recorded rlog as input; none was given.`,
      suggestedAction: "Pass --path FILE (or --simulate FILE), or use source panda."
    })
  if (kind === "panda" && ctx.inputs.length > 0)
    throw new ValidationError({
      code: "invalid_param",
      message: `${toolId}: source panda takes no input file.`,
      suggestedAction: "Drop the input, or use source log / simulate."
    })
  if (kind === "log") {
    const frames = paced(openLog(ctx.inputs.map(i => i.open())).frames(), p.speed ?? 0, ctx.signal)
    return { kind, label: logSourceLabel(ctx), frames: bounded(frames, p.duration_s, ctx.signal), counters: () => ({}), close: async () => undefined }
  }
  if (kind === "simulate") {
    const replay = splitLogPandaStates(openLog(ctx.inputs.map(i => i.open())).events())
    const sim = createSimulatedPanda(replay.frames, {
      health: replay.healthAt,
      speed: p.speed === 0 ? Infinity : (p.speed ?? 1),
      ...(p.simulate_faults?.unplug_after_frames !== undefined ? { unplugAfterFrames: p.simulate_faults.unplug_after_frames } : {}),
      ...(p.simulate_faults?.corrupt_frames ? { corruptFrames: p.simulate_faults.corrupt_frames } : {}),
      ...(p.simulate_faults?.stall_at_transfers ? { stallAtTransfers: p.simulate_faults.stall_at_transfers } : {}),
      ...(p.simulate_faults?.open_delay_ms !== undefined ? { openDelayMs: p.simulate_faults.open_delay_ms } : {})
    })
    const { handle, close } = await openPanda(makePandaDevice(createSimulatedUsb([sim.device])), undefined)
    return pandaSource("simulate", `simulated panda replaying ${ctx.inputs[0].name}`, handle, close, p, ctx.signal, sim.finished)
  }
  const { handle, close } = await openPanda(monitorPandaDevice ?? (await nodePandaDevice()), p.serial)
  return pandaSource(
    "panda",
    `panda ${handle.info.serial} (${handle.info.hwTypeName}, firmware ${handle.info.firmwareVersion})`,
    handle,
    close,
    p,
    ctx.signal,
    () => false
  )
}

const pandaSource = (
  kind: "simulate" | "panda",
  label: string,
  handle: PandaHandle,
  close: () => Promise<void>,
  p: MonitorSourceParams,
  signal: AbortSignal,
  finished: () => boolean
): MonitorSource => ({
  kind,
  label,
  frames: bounded(handleFrames(handle, signal, finished), p.duration_s, signal),
  health: () => promiseOf(handle.health),
  counters: () => ({ ...handle.stats }),
  close
})
