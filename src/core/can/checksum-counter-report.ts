/** A bit field that counts up by 1 (mod 2^width) from frame to frame. */
export interface CounterField {
  /** Global LSB-numbered bit of the field's least-significant bit. */
  readonly lsbBit: number
  readonly width: number
  /** Consecutive frame pairs where the field went up by exactly 1. */
  readonly increments: number
  readonly pairs: number
}

/** How a checksum byte was recognised. */
export type ChecksumRule =
  /** byte0 = (addr low + addr high + sum(data[1..])) & 0xFF (Subaru). */
  | "subaru_sum"
  /** last byte of the first `length` bytes = (addr low + addr high + length + sum(data[0..length-2])) & 0xFF (Toyota). */
  | "toyota_sum"
  /** byte 0 changes whenever the rest changes, never alone, and is a function of the rest. */
  | "byte0_follows_payload"

export interface ChecksumByte {
  readonly byte: number
  readonly rule: ChecksumRule
  /** For toyota_sum: the message length the sum uses (payloads may be zero-padded beyond it). */
  readonly length?: number
  /** Frames (or frame pairs, for byte0_follows_payload) that fit the rule, out of `checked`. */
  readonly matched: number
  readonly checked: number
}

/** What the detector concluded for one (bus, address) stream. */
export interface ChecksumCounterReport {
  readonly bus: number
  readonly address: number
  readonly frames: number
  readonly checksums: ReadonlyArray<ChecksumByte>
  readonly counters: ReadonlyArray<CounterField>
  /** Union of checksum bits, ascending. */
  readonly checksumBits: ReadonlyArray<number>
  /** Union of counter bits, ascending. */
  readonly counterBits: ReadonlyArray<number>
}
