import type { CanFrame } from "../can/can-frame.js"
import { concatBytes } from "../util/concat-bytes.js"
import { EventTag } from "./event-tags.js"

/** Frames a `can` event can carry; what a capture puts into one event. */
export interface CanEventFrame {
  readonly address: number
  readonly src: number
  readonly data: Uint8Array
}

/**
 * Encodes one cereal `Event { logMonoTime, valid, can: List(CanData) }` as a single-segment Cap'n Proto
 * message in stream framing, the unit an rlog is a concatenation of. The Event struct carries only its
 * first two data words and the union pointer (a reader fills the rest with defaults); CanData carries
 * address (u32 @0) and src (u8 @6) and `dat` (pointer 0).
 */
export const encodeCanEvent = (logMonoTimeNs: number, frames: ReadonlyArray<CanEventFrame>): Uint8Array => {
  const n = frames.length
  let dataWords = 0
  for (const f of frames) dataWords += Math.ceil(f.data.length / 8)
  const words = 1 + 2 + 1 + 1 + 2 * n + dataWords
  const out = new Uint8Array(8 + words * 8)
  const dv = new DataView(out.buffer)
  dv.setUint32(0, 0, true)
  dv.setUint32(4, words, true)
  const w = (i: number) => 8 + i * 8
  const ptr = (at: number, lo: number, hi: number) => {
    dv.setUint32(w(at), lo >>> 0, true)
    dv.setUint32(w(at) + 4, hi >>> 0, true)
  }
  ptr(0, 0, 2 | (1 << 16))
  dv.setUint32(w(1), logMonoTimeNs % 2 ** 32, true)
  dv.setUint32(w(1) + 4, Math.floor(logMonoTimeNs / 2 ** 32), true)
  dv.setUint16(w(2), EventTag.can, true)
  ptr(3, 1 | (0 << 2), 7 | ((2 * n) << 3))
  ptr(4, n << 2, 1 | (1 << 16))
  let blob = 5 + 2 * n
  frames.forEach((f, i) => {
    const el = 5 + 2 * i
    dv.setUint32(w(el), f.address >>> 0, true)
    out[w(el) + 6] = f.src
    ptr(el + 1, ((blob - (el + 2)) << 2) | 1, 2 | (f.data.length << 3))
    out.set(f.data, w(blob))
    blob += Math.ceil(f.data.length / 8)
  })
  return out
}

/** Encodes received frames as `can` events, one per run of equal times (a panda batch is one event). */
export const encodeCanBatch = (frames: ReadonlyArray<CanFrame>): Uint8Array => {
  const parts: Uint8Array[] = []
  for (let i = 0; i < frames.length; ) {
    let j = i + 1
    while (j < frames.length && frames[j].timeNs === frames[i].timeNs) j++
    parts.push(encodeCanEvent(frames[i].timeNs, i === 0 && j === frames.length ? frames : frames.slice(i, j)))
    i = j
  }
  return parts.length === 1 ? parts[0] : concatBytes(parts)
}
