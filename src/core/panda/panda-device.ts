/// <reference types="w3c-web-usb" />
import { Context, Effect, Layer, type Scope, Stream } from "effect"
import type { CanFrame } from "../can/can-frame.js"
import { type CtsError, isCtsError } from "../errors.js"
import type { PacketFrame } from "./can-packet.js"
import { type ConnectOptions, PandaConnection, type PandaInfo, type ReceiveStats } from "./panda-connection.js"
import { noPandaFound, pandaInBootloader, pandaInvalidRequest } from "./panda-errors.js"
import { isBootstubPid, PANDA_VENDOR_IDS } from "./panda-protocol.js"
import type { CanHealth, PandaHealth } from "./panda-structs.js"
import { createSharedReceive, type ReceiveSubscriber } from "./shared-receive.js"
import { fromUsbError } from "./usb-errors.js"

/** A panda seen on the bus, before opening it. */
export interface PandaListing {
  readonly serial: string
  readonly vendorId: number
  readonly productId: number
  /** True when it runs its bootstub (cannot stream until flashed). */
  readonly bootstub: boolean
}

/** An open panda; closed when its Scope closes. */
export interface PandaHandle {
  readonly info: PandaInfo
  /** Receive counters (frames, transfers, checksum errors, stalls). */
  readonly stats: ReceiveStats
  readonly health: Effect.Effect<PandaHealth, CtsError>
  canHealth(bus: number): Effect.Effect<CanHealth, CtsError>
  /** Sets the safety mode; transmitting modes need `allowSending` at open. */
  setSafetyMode(mode: number, param?: number): Effect.Effect<void, CtsError>
  setCanSpeed(bus: number, kbps: number, dataKbps?: number): Effect.Effect<void, CtsError>
  heartbeat(engaged?: boolean): Effect.Effect<void, CtsError>
  /** One receive transfer, unpacked (may be empty when the bus is quiet). */
  readonly receiveOnce: Effect.Effect<ReadonlyArray<CanFrame>, CtsError>
  /** Received CAN as batches (src = bus, +128 returned, +192 rejected); fails with `device_lost` when unplugged. */
  readonly receive: Stream.Stream<ReadonlyArray<CanFrame>, CtsError>
  /** The same batches as an AsyncIterable, for non-Effect callers. */
  frames(signal?: AbortSignal): AsyncIterable<ReadonlyArray<CanFrame>>
  /** Sends frames (needs `allowSending`). */
  send(frames: ReadonlyArray<PacketFrame>): Effect.Effect<void, CtsError>
}

/** Options of `PandaDevice.open`. */
export type OpenOptions = Omit<ConnectOptions, "clockNs">

/** The comma.ai panda over WebUSB: list connected pandas and open one as a scoped handle. */
export class PandaDevice extends Context.Tag("cts-lite/PandaDevice")<
  PandaDevice,
  {
    readonly list: Effect.Effect<ReadonlyArray<PandaListing>, CtsError>
    /** Opens the panda with `serial` (or the only/first one); read-only unless `allowSending`. A panda already open here is shared (each handle receives every frame). */
    open(serial?: string, options?: OpenOptions): Effect.Effect<PandaHandle, CtsError, Scope.Scope>
  }
>() {
  /** The service over a WebUSB `USB` object: `navigator.usb` in a browser, the `usb` package's `WebUSB` in Node. */
  static layerWebUsb(usb: USB): Layer.Layer<PandaDevice> {
    return Layer.sync(PandaDevice, () => makePandaDevice(usb))
  }
  /** The service over simulated pandas (see `createSimulatedUsb`). */
  static layerSimulated(devices: ReadonlyArray<USBDevice> | (() => ReadonlyArray<USBDevice>)): Layer.Layer<PandaDevice> {
    return PandaDevice.layerWebUsb(createSimulatedUsb(devices))
  }
}

const toCts =
  (what: string) =>
  (e: unknown): CtsError =>
    isCtsError(e) ? e : fromUsbError(what, e)

const isPanda = (d: USBDevice) => PANDA_VENDOR_IDS.includes(d.vendorId)

/**
 * Builds the PandaDevice service over a WebUSB `USB` object. Opening a panda that is already open in
 * this service shares its connection: one receive loop feeds every handle all frames, and the
 * device closes when the last handle's scope closes.
 */
export const makePandaDevice = (usb: Pick<USB, "getDevices">): PandaDevice["Type"] => {
  const shared = new Map<string, SharedConnection>()
  const devices = Effect.tryPromise({
    try: () => usb.getDevices(),
    catch: e => noPandaFound(e instanceof Error ? e.message : String(e))
  }).pipe(Effect.map(all => all.filter(isPanda)))

  const list = devices.pipe(
    Effect.map(all => all.map(d => ({ serial: d.serialNumber ?? "", vendorId: d.vendorId, productId: d.productId, bootstub: isBootstubPid(d.productId) })))
  )

  const open = (serial?: string, options: OpenOptions = {}) =>
    Effect.gen(function* () {
      const all = yield* devices
      const matching = serial ? all.filter(d => d.serialNumber === serial) : all
      const device = matching.find(d => !isBootstubPid(d.productId)) ?? matching[0]
      if (!device) return yield* Effect.fail(noPandaFound(undefined, serial))
      if (isBootstubPid(device.productId)) return yield* Effect.fail(pandaInBootloader(device.serialNumber ?? ""))
      const key = device.serialNumber ?? `${device.vendorId}:${device.productId}`
      const { conn, sub } = yield* Effect.acquireRelease(
        Effect.tryPromise({ try: () => acquireShared(shared, key, device, options), catch: toCts("open") }),
        ({ conn, sub }) => Effect.promise(() => releaseShared(shared, key, conn, sub))
      )
      return makeHandle(conn, sub)
    })

  return { list, open }
}

const call = <A>(what: string, f: () => Promise<A>) => Effect.tryPromise({ try: f, catch: toCts(what) })

/** One connection to a panda shared by every handle open on it in this process, with one receive loop. */
interface SharedConnection {
  readonly allowSending: boolean
  readonly connection: Promise<PandaConnection>
  receive?: ReturnType<typeof createSharedReceive>
  refs: number
}

const acquireShared = async (shared: Map<string, SharedConnection>, key: string, device: USBDevice, options: OpenOptions) => {
  let entry = shared.get(key)
  if (entry && entry.allowSending !== (options.allowSending === true))
    throw pandaInvalidRequest(
      "panda_busy",
      `The panda ${key} is already open ${entry.allowSending ? "for sending" : "read-only"} in this process; a handle ${options.allowSending ? "for sending" : "read-only"} cannot share it.`,
      "Stop the other monitor or close the other handle first."
    )
  if (!entry) shared.set(key, (entry = { allowSending: options.allowSending === true, connection: PandaConnection.connect(device, options), refs: 0 }))
  const owner = entry
  owner.refs++
  try {
    const conn = await owner.connection
    owner.receive ??= createSharedReceive(() => conn.receiveBatch())
    return { conn, sub: owner.receive.subscribe() }
  } catch (e) {
    if (--owner.refs === 0 && shared.get(key) === owner) shared.delete(key)
    throw e
  }
}

const releaseShared = async (shared: Map<string, SharedConnection>, key: string, conn: PandaConnection, sub: ReceiveSubscriber) => {
  sub.unsubscribe()
  const entry = shared.get(key)
  if (!entry || --entry.refs > 0) return
  shared.delete(key)
  await conn.close()
}

const makeHandle = (conn: PandaConnection, sub: ReceiveSubscriber): PandaHandle => ({
  info: conn.info,
  stats: conn.stats,
  health: call("health", () => conn.health()),
  canHealth: bus => call("CAN health", () => conn.canHealth(bus)),
  setSafetyMode: (mode, param) => call("set safety mode", () => conn.setSafetyMode(mode, param)),
  setCanSpeed: (bus, kbps, dataKbps) => call("set CAN speed", () => conn.setCanSpeed(bus, kbps, dataKbps)),
  heartbeat: engaged => call("heartbeat", () => conn.heartbeat(engaged)),
  receiveOnce: call("CAN receive", () => sub.next()),
  receive: Stream.repeatEffect(call("CAN receive", () => sub.next())).pipe(Stream.filter(b => b.length > 0)),
  frames: async function* (signal) {
    while (!signal?.aborted) {
      const batch = await sub.next()
      if (batch.length > 0) yield batch
    }
  },
  send: frames => call("CAN send", () => conn.send(frames))
})

/** A WebUSB `USB` whose devices are the given (simulated) ones; a function is called on every look-up. */
export const createSimulatedUsb = (devices: ReadonlyArray<USBDevice> | (() => ReadonlyArray<USBDevice>)): Pick<USB, "getDevices"> & USB =>
  ({
    getDevices: async () => [...(typeof devices === "function" ? devices() : devices)],
    requestDevice: async () => {
      const all = typeof devices === "function" ? devices() : devices
      if (all.length === 0) throw Object.assign(new Error("No device selected."), { name: "NotFoundError" })
      return all[0]
    },
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => true,
    onconnect: null,
    ondisconnect: null
  }) as unknown as USB
