/// <reference types="w3c-web-usb" />
import type { CanFrame } from "../can/can-frame.js"
import { createCanUnpacker, packCanPacket, type PacketFrame } from "./can-packet.js"
import {
  KNOWN_PACKET_VERSIONS,
  PANDA_APP_PID,
  PANDA_CAN_IN_ENDPOINT,
  PANDA_CAN_OUT_ENDPOINT,
  PANDA_VENDOR_IDS,
  PandaRequest,
  READ_ONLY_SAFETY_MODES,
  SafetyMode
} from "./panda-protocol.js"
import { encodeCanHealth, encodeHealth, type PandaHealth } from "./panda-structs.js"
import { concatBytes } from "../util/concat-bytes.js"

/** Options of a simulated panda. */
export interface SimulatedPandaOptions {
  /** Replay speed: 1 = recorded pace, 10 = ten times faster, Infinity (default) = as fast as read. */
  readonly speed?: number
  readonly serial?: string
  /** USB product id; 0xddee simulates a panda in its bootstub. */
  readonly productId?: number
  /** Packet-version hashes reported by request 0xdd (default: the first known pair). */
  readonly packetVersions?: { readonly health: number; readonly can: number }
  /** At most this many bytes per receive transfer (default 16384); small values cut packets across transfers. */
  readonly transferBytes?: number
  /** What happens after the last frame: keep answering with empty transfers (default) or unplug. */
  readonly atEnd?: "idle" | "unplug"
  /** Faults: unplug after this many frames were delivered. */
  readonly unplugAfterFrames?: number
  /** Faults: corrupt the checksum of the packet of this frame index (0-based, in replay order). */
  readonly corruptFrames?: ReadonlyArray<number>
  /** Faults: `open()` takes this long (ms), as a slow USB enumeration does. */
  readonly openDelayMs?: number
  /** Faults: the receive endpoint stalls at these transfer numbers (0-based) until cleared. */
  readonly stallAtTransfers?: ReadonlyArray<number>
  /**
   * Health fields to report over the defaults, given the recorded time (ns) of the last frame delivered
   * (undefined before the first), e.g. the log's `pandaStates` as the replay passes them.
   */
  readonly health?: (replayTimeNs: number | undefined) => Partial<PandaHealth> | undefined
}

/** The simulated panda: a `USBDevice` plus its controls and what it saw. */
export interface SimulatedPanda {
  readonly device: USBDevice
  /** Frames the host sent (bulk OUT), decoded. */
  readonly sent: CanFrame[]
  /** Control requests received, in order. */
  readonly requests: Array<{ readonly request: number; readonly value: number; readonly index: number }>
  /** Frames delivered so far. */
  readonly delivered: () => number
  /** True once every frame of the source was delivered. */
  readonly finished: () => boolean
  /** Current safety mode. */
  readonly safetyMode: () => number
  /** Unplugs now: every later call fails as WebUSB does for a vanished device. */
  unplug(): void
}

const disconnected = () => Object.assign(new Error("The device was disconnected."), { name: "NotFoundError" })
const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms))
const IDLE_WAIT_MS = 20

/**
 * A panda simulated at the WebUSB boundary: it replays `frames` (e.g. `openLog(src).frames()`) on the CAN
 * receive endpoint at recorded pace or faster, answers the control requests, accepts sends (echoed back as
 * returned, or rejected in a read-only safety mode), and can unplug, stall or corrupt a packet.
 */
export const createSimulatedPanda = (frames: AsyncIterable<ReadonlyArray<CanFrame>>, options: SimulatedPandaOptions = {}): SimulatedPanda => {
  const speed = options.speed ?? Infinity
  const transferBytes = options.transferBytes ?? 16384
  const versions = options.packetVersions ?? { health: KNOWN_PACKET_VERSIONS[0].health, can: KNOWN_PACKET_VERSIONS[0].can ?? 4 }
  const serial = options.serial ?? "5ab0c0de5ab0c0de5ab0c0de"
  const corrupt = new Set(options.corruptFrames ?? [])
  const stalls = new Set(options.stallAtTransfers ?? [])
  const iterator = frames[Symbol.asyncIterator]()
  const queue: CanFrame[] = []
  const echoes: PacketFrame[] = []
  const sent: CanFrame[] = []
  const requests: SimulatedPanda["requests"] = []
  const rxPerBus = [0, 0, 0]
  const sendUnpacker = createCanUnpacker()
  let pending: Uint8Array = new Uint8Array(0)
  let sourceDone = false
  let delivered = 0
  let transfers = 0
  let stalled = false
  let unplugged = false
  let opened = false
  let mode: number = SafetyMode.silent
  let param = 0
  let firstTimeNs: number | undefined
  let lastDeliveredNs: number | undefined
  const startMs = performance.now()

  const alive = () => {
    if (unplugged) throw disconnected()
  }
  const refill = async () => {
    while (queue.length === 0 && !sourceDone) {
      const r = await iterator.next()
      if (r.done) sourceDone = true
      else queue.push(...r.value.map(f => ({ ...f, data: f.data.slice() })))
    }
  }
  const dueInMs = (f: CanFrame) => {
    firstTimeNs ??= f.timeNs
    return speed === Infinity ? 0 : (f.timeNs - firstTimeNs) / 1e6 / speed - (performance.now() - startMs)
  }
  const take = async (limit: number): Promise<Uint8Array> => {
    const parts: Uint8Array[] = [pending]
    let bytes = pending.length
    while (bytes < limit) {
      if (echoes.length > 0) {
        const p = packCanPacket(echoes.shift()!)
        parts.push(p)
        bytes += p.length
        continue
      }
      await refill()
      const f = queue[0]
      if (!f || dueInMs(f) > 0) break
      if (options.unplugAfterFrames !== undefined && delivered >= options.unplugAfterFrames) {
        unplugged = true
        break
      }
      queue.shift()
      const p = packCanPacket({ bus: f.bus, address: f.address, data: f.data, returned: f.echo, rejected: f.rejected })
      if (corrupt.has(delivered)) p[5] ^= 0xff
      if (f.bus < 3) rxPerBus[f.bus]++
      delivered++
      lastDeliveredNs = f.timeNs
      parts.push(p)
      bytes += p.length
    }
    const all = concatBytes(parts)
    pending = all.slice(limit)
    return all.subarray(0, Math.min(limit, bytes))
  }

  const controlIn = (request: number, value: number): Uint8Array => {
    switch (request) {
      case PandaRequest.packetVersions: {
        const out = new Uint8Array(8)
        new DataView(out.buffer).setUint32(0, versions.health, true)
        new DataView(out.buffer).setUint32(4, versions.can, true)
        return out
      }
      case PandaRequest.health:
        return encodeHealth({
          uptime: Math.floor((performance.now() - startMs) / 1000),
          voltage: 12_150,
          current: 310,
          ignitionLine: 1,
          safetyMode: mode,
          safetyParam: param,
          carHarnessStatus: 1,
          interruptLoad: 0.12,
          ...options.health?.(lastDeliveredNs)
        })
      case PandaRequest.canHealth:
        return encodeCanHealth({ totalRxCount: rxPerBus[value] ?? 0, canSpeedKbps: 500, canDataSpeedKbps: 2000 })
      case PandaRequest.hwType:
        return Uint8Array.of(0x09)
      case PandaRequest.firmwareVersion:
        return new TextEncoder().encode("SIMULATED-d9ed70b")
      case PandaRequest.serial:
        return new TextEncoder().encode(serial)
      default:
        return new Uint8Array(0)
    }
  }

  const device = {
    vendorId: PANDA_VENDOR_IDS[0],
    productId: options.productId ?? PANDA_APP_PID,
    serialNumber: serial,
    productName: "panda",
    manufacturerName: "comma.ai",
    get opened() {
      return opened
    },
    configuration: null as USBConfiguration | null,
    async open() {
      if (options.openDelayMs) await sleep(options.openDelayMs)
      alive()
      opened = true
    },
    async close() {
      opened = false
    },
    async selectConfiguration(n: number) {
      alive()
      device.configuration = { configurationValue: n } as USBConfiguration
    },
    async claimInterface() {
      alive()
    },
    async releaseInterface() {
      alive()
    },
    async clearHalt() {
      alive()
      stalled = false
    },
    async controlTransferIn(setup: USBControlTransferParameters, length: number): Promise<USBInTransferResult> {
      alive()
      requests.push({ request: setup.request, value: setup.value, index: setup.index })
      const data = controlIn(setup.request, setup.value).slice(0, length)
      return { status: "ok", data: new DataView(data.buffer, data.byteOffset, data.byteLength) } as USBInTransferResult
    },
    async controlTransferOut(setup: USBControlTransferParameters): Promise<USBOutTransferResult> {
      alive()
      requests.push({ request: setup.request, value: setup.value, index: setup.index })
      if (setup.request === PandaRequest.setSafetyMode) {
        mode = setup.value
        param = setup.index
      } else if (setup.request === PandaRequest.resetCanComms) {
        pending = new Uint8Array(0)
        sendUnpacker.reset()
      }
      return { status: "ok", bytesWritten: 0 } as USBOutTransferResult
    },
    async transferIn(endpoint: number, length: number): Promise<USBInTransferResult> {
      alive()
      if (endpoint !== PANDA_CAN_IN_ENDPOINT) throw new Error(`no IN endpoint ${endpoint}`)
      if (stalls.delete(transfers)) stalled = true
      if (stalled) return { status: "stall" } as USBInTransferResult
      let chunk = await take(Math.min(length, transferBytes))
      if (chunk.length === 0) {
        if (sourceDone && queue.length === 0 && options.atEnd === "unplug") unplugged = true
        alive()
        const next = queue[0]
        await sleep(next ? Math.min(Math.max(dueInMs(next), 0), IDLE_WAIT_MS) : IDLE_WAIT_MS)
        chunk = await take(Math.min(length, transferBytes))
        if (chunk.length === 0) alive()
      }
      transfers++
      return { status: "ok", data: new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength) } as USBInTransferResult
    },
    async transferOut(endpoint: number, data: BufferSource): Promise<USBOutTransferResult> {
      alive()
      if (endpoint !== PANDA_CAN_OUT_ENDPOINT) throw new Error(`no OUT endpoint ${endpoint}`)
      const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data)
      const { frames: got } = sendUnpacker.push(bytes, Math.round(performance.now() * 1e6))
      const refuse = READ_ONLY_SAFETY_MODES.includes(mode)
      for (const f of got) {
        sent.push(f)
        echoes.push({ bus: f.bus, address: f.address, data: f.data, returned: !refuse, rejected: refuse })
      }
      return { status: "ok", bytesWritten: bytes.length } as USBOutTransferResult
    }
  }
  return {
    device: device as unknown as USBDevice,
    sent,
    requests,
    delivered: () => delivered,
    finished: () => sourceDone && queue.length === 0 && pending.length === 0,
    safetyMode: () => mode,
    unplug() {
      unplugged = true
    }
  }
}
