/// <reference types="w3c-web-usb" />
import type { CanFrame } from "../can/can-frame.js"
import type { CtsError } from "../errors.js"
import { createCanUnpacker, isCanPayloadLength, packCanTransfers, type PacketFrame } from "./can-packet.js"
import { pandaInBootloader, pandaInvalidRequest, pandaVersionMismatch } from "./panda-errors.js"
import {
  CAN_DATA_SPEEDS_KBPS,
  CAN_SPEEDS_KBPS,
  HW_TYPE_NAMES,
  isBootstubPid,
  isKnownPacketVersion,
  KNOWN_PACKET_VERSIONS,
  PANDA_CAN_IN_ENDPOINT,
  PANDA_CAN_OUT_ENDPOINT,
  PANDA_INTERFACE,
  PANDA_RECEIVE_TRANSFER,
  PandaRequest,
  READ_ONLY_SAFETY_MODES,
  SafetyMode,
  safetyModeName
} from "./panda-protocol.js"
import {
  type CanHealth,
  CAN_HEALTH_SIZE,
  decodeAscii,
  decodeCanHealth,
  decodeHealth,
  decodePacketVersions,
  HEALTH_SIZE,
  type PandaHealth
} from "./panda-structs.js"
import { fromUsbError } from "./usb-errors.js"

/** Who the panda is. */
export interface PandaInfo {
  readonly serial: string
  readonly vendorId: number
  readonly productId: number
  readonly hwType: number
  readonly hwTypeName: string
  readonly firmwareVersion: string
  readonly packetVersions: { readonly health: number; readonly can: number }
}

/** Options of `connectPanda`. */
export interface ConnectOptions {
  /** Allow sending modes and `send()`. Default false: the panda stays in `silent`/`noOutput`. */
  readonly allowSending?: boolean
  /** CAN bit rate set on buses 0–2 at connect (kbps); default 500. */
  readonly canSpeedKbps?: number
  /** Wall clock for received frames' `timeNs` (default `performance.now()` in ns). */
  readonly clockNs?: () => number
}

/** Receive counters of a connection. */
export interface ReceiveStats {
  frames: number
  transfers: number
  checksumErrors: number
  stalls: number
}

const DEVICE_REQUEST = { requestType: "vendor", recipient: "device" } as const

/**
 * A connected panda over an injected WebUSB `USBDevice` (Node's `usb` WebUSB or `navigator.usb`).
 * Promise-based and browser-safe; `PandaDevice` wraps it as an Effect service. Every method rejects
 * with a typed CtsError.
 */
export class PandaConnection {
  readonly stats: ReceiveStats = { frames: 0, transfers: 0, checksumErrors: 0, stalls: 0 }
  private readonly unpacker = createCanUnpacker()
  private closed = false

  private constructor(
    readonly device: USBDevice,
    readonly info: PandaInfo,
    private readonly options: ConnectOptions
  ) {}

  /** Opens the device, checks it is an application-mode panda with known packet versions, and runs the connect sequence. */
  static async connect(device: USBDevice, options: ConnectOptions = {}): Promise<PandaConnection> {
    const serialHint = device.serialNumber ?? ""
    if (isBootstubPid(device.productId)) throw pandaInBootloader(serialHint)
    await usb("open", () => device.open())
    try {
      if (device.configuration?.configurationValue !== 1) await usb("selectConfiguration", () => device.selectConfiguration(1))
      await usb("claimInterface", () => device.claimInterface(PANDA_INTERFACE))
      const packetVersions = decodePacketVersions(await controlIn(device, PandaRequest.packetVersions, 0, 0, 8))
      if (!isKnownPacketVersion(packetVersions.health, packetVersions.can)) throw pandaVersionMismatch(packetVersions, KNOWN_PACKET_VERSIONS)
      const hwType = (await controlIn(device, PandaRequest.hwType, 0, 0, 1)).getUint8(0)
      const firmwareVersion = decodeAscii(await controlIn(device, PandaRequest.firmwareVersion, 0, 0, 0x40))
      const serial = serialHint || decodeAscii(await controlIn(device, PandaRequest.serial, 0, 0, 0x20))
      const info: PandaInfo = {
        serial,
        vendorId: device.vendorId,
        productId: device.productId,
        hwType,
        hwTypeName: HW_TYPE_NAMES[hwType] ?? `unknown (0x${hwType.toString(16)})`,
        firmwareVersion,
        packetVersions
      }
      const conn = new PandaConnection(device, info, options)
      await conn.initialize()
      return conn
    } catch (e) {
      await device.close().catch(() => undefined)
      throw e
    }
  }

  private async initialize(): Promise<void> {
    const speed = this.options.canSpeedKbps ?? 500
    if (!CAN_SPEEDS_KBPS.includes(speed)) throw badSpeed(speed, CAN_SPEEDS_KBPS)
    await this.controlOut(PandaRequest.disableHeartbeatChecks, 0, 0)
    await this.controlOut(PandaRequest.powerSave, 0, 0)
    await this.controlOut(PandaRequest.resetCanComms, 0, 0)
    for (let bus = 0; bus < 3; bus++) {
      await this.controlOut(PandaRequest.setCanFdAuto, bus, 0)
      await this.controlOut(PandaRequest.setCanSpeed, bus, speed * 10)
    }
    const mode = (await this.health()).safetyMode
    if (!this.options.allowSending && !READ_ONLY_SAFETY_MODES.includes(mode)) await this.controlOut(PandaRequest.setSafetyMode, SafetyMode.noOutput, 0)
  }

  /** The decoded 59-byte health packet. */
  async health(): Promise<PandaHealth> {
    return decodeHealth(await controlIn(this.device, PandaRequest.health, 0, 0, HEALTH_SIZE))
  }

  /** CAN health of bus 0–2. */
  async canHealth(bus: number): Promise<CanHealth> {
    checkBus(bus)
    return decodeCanHealth(await controlIn(this.device, PandaRequest.canHealth, bus, 0, CAN_HEALTH_SIZE))
  }

  /** Sets the safety mode; a transmitting mode needs `allowSending`. */
  async setSafetyMode(mode: number, param = 0): Promise<void> {
    if (!this.options.allowSending && !READ_ONLY_SAFETY_MODES.includes(mode))
      throw pandaInvalidRequest(
        "panda_read_only",
        `Safety mode ${safetyModeName(mode)} can transmit; this panda was opened read-only.`,
        "Open the panda with allowSending: true to use a sending mode."
      )
    await this.controlOut(PandaRequest.setSafetyMode, mode, param)
  }

  /** Sets a bus's bit rate (and, with `dataKbps`, its CAN-FD data rate). */
  async setCanSpeed(bus: number, kbps: number, dataKbps?: number): Promise<void> {
    checkBus(bus)
    if (!CAN_SPEEDS_KBPS.includes(kbps)) throw badSpeed(kbps, CAN_SPEEDS_KBPS)
    await this.controlOut(PandaRequest.setCanSpeed, bus, kbps * 10)
    if (dataKbps !== undefined) {
      if (!CAN_DATA_SPEEDS_KBPS.includes(dataKbps)) throw badSpeed(dataKbps, CAN_DATA_SPEEDS_KBPS)
      await this.controlOut(PandaRequest.setCanDataSpeed, bus, dataKbps * 10)
    }
  }

  /** Sends the heartbeat (engaged = false unless given). */
  async heartbeat(engaged = false): Promise<void> {
    await this.controlOut(PandaRequest.heartbeat, engaged ? 1 : 0, 0)
  }

  /** One receive transfer, unpacked. A stall is cleared and counted; a checksum failure is counted and CAN comms reset. */
  async receiveBatch(): Promise<CanFrame[]> {
    const r = await usb("CAN receive", () => this.device.transferIn(PANDA_CAN_IN_ENDPOINT, PANDA_RECEIVE_TRANSFER))
    if (r.status === "stall") {
      this.stats.stalls++
      await usb("clearHalt", () => this.device.clearHalt("in", PANDA_CAN_IN_ENDPOINT))
      return []
    }
    this.stats.transfers++
    if (!r.data || r.data.byteLength === 0) return []
    const { frames, checksumErrors } = this.unpacker.push(new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength), this.now())
    this.stats.frames += frames.length
    if (checksumErrors > 0) {
      this.stats.checksumErrors += checksumErrors
      await this.controlOut(PandaRequest.resetCanComms, 0, 0)
    }
    return frames
  }

  /** Received frames as batches until `signal` aborts or the device fails. */
  async *frames(signal?: AbortSignal): AsyncGenerator<CanFrame[]> {
    while (!signal?.aborted && !this.closed) {
      const batch = await this.receiveBatch()
      if (batch.length > 0) yield batch
    }
  }

  /** Sends frames (needs `allowSending`); split into transfers of ≤ 256 bytes / 51 packets. */
  async send(frames: ReadonlyArray<PacketFrame>): Promise<void> {
    if (!this.options.allowSending)
      throw pandaInvalidRequest(
        "panda_read_only",
        "This panda was opened read-only; send() is refused.",
        "Open the panda with allowSending: true and set a safety mode that allows the frames."
      )
    for (const f of frames) {
      checkBus(f.bus)
      if (!isCanPayloadLength(f.data.length))
        throw pandaInvalidRequest(
          "invalid_can_frame",
          `A CAN payload of ${f.data.length} bytes cannot be sent; lengths are 0–8, 12, 16, 20, 24, 32, 48 or 64.`,
          "Pad the payload to a DLC length."
        )
      if (!(Number.isInteger(f.address) && f.address >= 0 && f.address <= 0x1fffffff))
        throw pandaInvalidRequest("invalid_can_frame", `CAN address ${f.address} is not an 11/29-bit identifier.`, "Use an address from 0 to 0x1FFFFFFF.")
    }
    for (const t of packCanTransfers(frames)) {
      const r = await usb("CAN send", () => this.device.transferOut(PANDA_CAN_OUT_ENDPOINT, t))
      if (r.status === "stall") await usb("clearHalt", () => this.device.clearHalt("out", PANDA_CAN_OUT_ENDPOINT))
    }
  }

  /** Releases the interface and closes the device; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.device.releaseInterface(PANDA_INTERFACE).catch(() => undefined)
    await this.device.close().catch(() => undefined)
  }

  private now(): number {
    return this.options.clockNs ? this.options.clockNs() : Math.round(performance.now() * 1e6)
  }

  private async controlOut(request: number, value: number, index: number): Promise<void> {
    await usb(`control request 0x${request.toString(16)}`, () => this.device.controlTransferOut({ ...DEVICE_REQUEST, request, value, index }))
  }
}

const usb = async <A>(what: string, f: () => Promise<A>): Promise<A> => {
  try {
    return await f()
  } catch (e) {
    throw fromUsbError(what, e)
  }
}

const controlIn = async (device: USBDevice, request: number, value: number, index: number, length: number): Promise<DataView> => {
  const r = await usb(`control request 0x${request.toString(16)}`, () => device.controlTransferIn({ ...DEVICE_REQUEST, request, value, index }, length))
  if (r.status !== "ok" || !r.data) throw fromUsbError(`control request 0x${request.toString(16)}`, new Error(`status ${r.status}`))
  return r.data
}

const checkBus = (bus: number) => {
  if (!(Number.isInteger(bus) && bus >= 0 && bus <= 2))
    throw pandaInvalidRequest("invalid_bus", `Bus ${bus} does not exist; a panda has buses 0, 1 and 2.`, "Use bus 0, 1 or 2.")
}

const badSpeed = (kbps: number, allowed: ReadonlyArray<number>): CtsError =>
  pandaInvalidRequest("invalid_can_speed", `CAN bit rate ${kbps} kbps is not supported.`, `Use one of ${allowed.join(", ")} kbps.`)
