import type { CapnpMessage } from "./capnp-message.js"
import { MalformedMessage } from "./log-errors.js"

const NO_ROOT = new MalformedMessage("the message is empty (no root pointer)")
const NULL_ROOT = new MalformedMessage("its root pointer is null")

/**
 * Reads the `Event` header: logMonoTime (u64 @ data byte 0, as a JS number of ns), the union tag
 * (u16 @ data byte 8) and `valid` (bit 80, stored inverted since its default is true), plus where
 * the union's pointer (pointer 0) is. Fields past a short data section read as their defaults. A
 * message with no root (an empty first segment, as a run of zero bytes frames) or a null root is not
 * an event: `read` returns why (without throwing, so a flood of them stays cheap); bad pointers throw
 * MalformedMessage.
 */
export class EventHeader {
  logMonoTime = 0
  tag = 0
  valid = true
  /** Segment and byte offset of pointer 0 (the union member), or `ptr` -1 when there is none. */
  seg = 0
  ptr = -1

  /** Reads the header; returns undefined, or why the message is not an event. */
  read(msg: CapnpMessage): MalformedMessage | undefined {
    if (!msg.hasRoot) return NO_ROOT
    if (!msg.readStruct(0, msg.segStart[0])) return NULL_ROOT
    const { dv, bytes, dataOff: d, dataWords: dw } = msg
    this.logMonoTime = dw >= 1 ? dv.getUint32(d + 4, true) * 4294967296 + dv.getUint32(d, true) : 0
    this.tag = dw >= 2 ? dv.getUint16(d + 8, true) : 0
    this.valid = dw >= 2 ? (bytes[d + 10] & 1) === 0 : true
    this.seg = msg.seg
    this.ptr = msg.ptrCount >= 1 ? msg.ptrOff : -1
    return undefined
  }
}
