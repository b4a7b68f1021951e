import { type Word, canDataWord, farPtr, listPtr, message, structPtr, tagWord, u64 } from "./capnp-builder.js"
import { toHex } from "./helpers.js"

/** A CAN frame a test puts into a log. */
export interface TestFrame {
  readonly address: number
  readonly src: number
  readonly data: ReadonlyArray<number>
}

/** The oracle row (`mono_time_ns,bus,address,data_hex`) a reader must give for `f` at `time`. */
export const expectedRow = (time: number, f: TestFrame) => `${time},${f.src},0x${f.address.toString(16).toUpperCase()},${toHex(Uint8Array.from(f.data))}`

const dataWords = (bytes: ReadonlyArray<number>): Array<Word> => {
  const words: Array<Word> = []
  for (let i = 0; i < bytes.length; i += 8) {
    const b = [...bytes.slice(i, i + 8), 0, 0, 0, 0, 0, 0, 0, 0]
    words.push([(b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0, (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0])
  }
  return words
}

/**
 * A `can` event (one segment): root → Event(2 data words, 1 pointer) → List(CanData) of `frames`, each
 * `dat` a byte list of its own placed after the list (any length, so oversized payloads too).
 */
export const canEvent = (time: number, frames: ReadonlyArray<TestFrame>): Uint8Array => {
  const n = frames.length
  const words: Array<Word> = [structPtr(0, 2, 1), u64(time), tagWord(4), listPtr(0, 7, n * 2), structPtr(n, 1, 1)]
  const blobs: Array<Array<Word>> = frames.map(f => dataWords(f.data))
  let blobAt = 5 + 2 * n
  frames.forEach((f, i) => {
    const ptrWord = 6 + 2 * i
    words.push(canDataWord(f.address, f.src), f.data.length === 0 ? [0, 0] : listPtr(blobAt - ptrWord - 1, 2, f.data.length))
    blobAt += blobs[i].length
  })
  for (const b of blobs) words.push(...b)
  return message([words])
}

/** Legal Cap'n Proto: `count` CanData whose `dat` all point at one shared `blobBytes`-byte list (pointer-sharing amplification). */
export const sharedBlobEvent = (time: number, count: number, blobBytes: number): Uint8Array => {
  const words: Array<Word> = [structPtr(0, 2, 1), u64(time), tagWord(4), listPtr(0, 7, count * 2), structPtr(count, 1, 1)]
  const blobAt = 5 + 2 * count
  for (let i = 0; i < count; i++) words.push(canDataWord(0x100 + i, 0), listPtr(blobAt - (6 + 2 * i) - 1, 2, blobBytes))
  for (let i = 0; i < Math.ceil(blobBytes / 8); i++) words.push([0x11111111, 0x22222222])
  return message([words])
}

/** The root is a far pointer whose landing pad is itself (single) or a double-far pad whose first word is that same far pointer (a loop). */
export const farLoopEvent = (double: 0 | 1): Uint8Array => (double ? message([[farPtr(1, 0, 1)], [farPtr(1, 0, 1), [0, 0]]]) : message([[farPtr(0, 0, 0)]]))

/** A chain: far → landing pad that is another far pointer → … (forbidden: a pad must hold a near pointer). */
export const farChainEvent = (hops: number): Uint8Array =>
  message([[farPtr(0, 0, 1)], ...Array.from({ length: hops }, (_, i) => [farPtr(0, 0, Math.min(i + 2, hops))] as Array<Word>)])

/** An inline-composite list whose tag claims `elements` × 2 words while the pointer gives only `words`. */
export const lyingCompositeEvent = (time: number, elements: number, words: number): Uint8Array =>
  message([
    [structPtr(0, 2, 1), u64(time), tagWord(4), listPtr(0, 7, words), structPtr(elements, 1, 1), ...Array.from({ length: words }, () => [0, 0] as Word)]
  ])

/** A `can` list whose elements run `beyond` words past the end of the segment. */
export const listPastEndEvent = (time: number, beyond: number): Uint8Array =>
  message([[structPtr(0, 2, 1), u64(time), tagWord(4), listPtr(0, 7, 2 + beyond), structPtr(1 + Math.ceil(beyond / 2), 1, 1), canDataWord(1, 0), [0, 0]]])
