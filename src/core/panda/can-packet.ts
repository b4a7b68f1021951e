import { type CanFrame, makeCanFrame } from "../can/can-frame.js"
import { concatBytes } from "../util/concat-bytes.js"

/** Bytes of a CANPacket header (v4). */
export const CAN_PACKET_HEADER = 6
/** Payload length of each DLC code. */
export const DLC_TO_LEN: ReadonlyArray<number> = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64]
const LEN_TO_DLC = new Map(DLC_TO_LEN.map((len, dlc) => [len, dlc]))

/** A send transfer is closed once it holds more than this many bytes. */
export const SEND_TRANSFER_BYTES = 256
/** At most this many packets in one send transfer. */
export const SEND_TRANSFER_PACKETS = 51

/** One frame to put on the wire: bus 0–7, address (≥ 0x800 is sent extended), payload of a DLC length. */
export interface PacketFrame {
  readonly bus: number
  readonly address: number
  readonly data: Uint8Array
  /** Set by a panda on a frame it sent itself (echo); never on a host's send. */
  readonly returned?: boolean
  /** Set by a panda on a send it refused. */
  readonly rejected?: boolean
}

/** True when `len` is a payload length the DLC table can express. */
export const isCanPayloadLength = (len: number): boolean => LEN_TO_DLC.has(len)

/** Writes one packet at `out[at]` and returns its size. The caller checks the length. */
const writePacket = (out: Uint8Array, at: number, f: PacketFrame): number => {
  const len = f.data.length
  const dlc = LEN_TO_DLC.get(len)!
  const extended = f.address >= 0x800 ? 1 : 0
  const word = ((f.address << 3) | (extended << 2) | (f.returned ? 2 : 0) | (f.rejected ? 1 : 0)) >>> 0
  out[at] = (dlc << 4) | ((f.bus & 7) << 1) | (len > 8 ? 1 : 0)
  out[at + 1] = word & 0xff
  out[at + 2] = (word >>> 8) & 0xff
  out[at + 3] = (word >>> 16) & 0xff
  out[at + 4] = word >>> 24
  out.set(f.data, at + CAN_PACKET_HEADER)
  let x = 0
  for (let i = 0; i < 5; i++) x ^= out[at + i]
  for (let i = 0; i < len; i++) x ^= f.data[i]
  out[at + 5] = x
  return CAN_PACKET_HEADER + len
}

/** The bytes of one CANPacket v4 (header with XOR checksum + payload). Throws RangeError on a bad length or address. */
export const packCanPacket = (f: PacketFrame): Uint8Array => {
  if (!isCanPayloadLength(f.data.length)) throw new RangeError(`CAN payload of ${f.data.length} bytes: the DLC table allows 0–8, 12, 16, 20, 24, 32, 48 or 64`)
  if (!(f.address >= 0 && f.address <= 0x1fffffff && Number.isInteger(f.address)))
    throw new RangeError(`CAN address ${f.address} is not an 11/29-bit identifier`)
  const out = new Uint8Array(CAN_PACKET_HEADER + f.data.length)
  writePacket(out, 0, f)
  return out
}

/**
 * Packs frames into send transfers the way the panda expects: a new transfer after 256 bytes, at most
 * 51 packets each. Throws RangeError for a payload length or address the protocol cannot carry.
 */
export const packCanTransfers = (frames: Iterable<PacketFrame>): Uint8Array<ArrayBuffer>[] => {
  const transfers: Uint8Array<ArrayBuffer>[] = []
  let parts: Uint8Array[] = []
  let bytes = 0
  const close = () => {
    if (parts.length === 0) return
    transfers.push(concatBytes(parts))
    parts = []
    bytes = 0
  }
  for (const f of frames) {
    const p = packCanPacket(f)
    parts.push(p)
    bytes += p.length
    if (bytes > SEND_TRANSFER_BYTES || parts.length >= SEND_TRANSFER_PACKETS) close()
  }
  close()
  return transfers
}

/** What one `push` of received bytes gave. */
export interface UnpackResult {
  readonly frames: CanFrame[]
  /** Packets whose XOR checksum failed in this push (the rest of that buffer is dropped). */
  readonly checksumErrors: number
}

/**
 * Reassembles the CAN receive stream: packets are concatenated with no transfer header and cut at any
 * transfer boundary, so the partial tail is kept for the next push. A checksum failure is counted and
 * the buffered bytes are dropped (alignment is lost), as the firmware's host daemon does; the caller then
 * resets CAN comms. Received frames get `src` = bus (+128 returned, +192 rejected) like the log reader.
 */
export const createCanUnpacker = () => {
  let tail: Uint8Array = new Uint8Array(0)
  return {
    /** Bytes held back waiting for the rest of a packet. */
    get pending(): number {
      return tail.length
    },
    /** Drops the partial tail (after a comms reset). */
    reset(): void {
      tail = new Uint8Array(0)
    },
    push(chunk: Uint8Array, timeNs: number): UnpackResult {
      const buf = tail.length > 0 ? concatBytes([tail, chunk]) : chunk
      const frames: CanFrame[] = []
      let at = 0
      while (buf.length - at >= CAN_PACKET_HEADER) {
        const len = DLC_TO_LEN[buf[at] >> 4]
        const end = at + CAN_PACKET_HEADER + len
        if (end > buf.length) break
        let x = 0
        for (let i = at; i < end; i++) x ^= buf[i]
        if (x !== 0) {
          tail = new Uint8Array(0)
          return { frames, checksumErrors: 1 }
        }
        const word = (buf[at + 1] | (buf[at + 2] << 8) | (buf[at + 3] << 16) | (buf[at + 4] << 24)) >>> 0
        const bus = (buf[at] >> 1) & 7
        const src = bus + (word & 1 ? 192 : word & 2 ? 128 : 0)
        frames.push(makeCanFrame(timeNs, src, word >>> 3, buf.slice(at + CAN_PACKET_HEADER, end)))
        at = end
      }
      tail = buf.slice(at)
      return { frames, checksumErrors: 0 }
    }
  }
}

/** Receive-stream reassembler; see `createCanUnpacker`. */
export type CanUnpacker = ReturnType<typeof createCanUnpacker>
