/**
 * One CAN frame as the panda reported it.
 *
 * `src` is the raw source byte from the log: bus + 4 × panda index, +128 for a frame the panda sent
 * (TX echo), +192 for a send the panda rejected. The split fields are derived from it.
 */
export interface CanFrame {
  /** The containing event's logMonoTime, nanoseconds (monotonic clock). Exact below 2^53 ns. */
  readonly timeNs: number
  /** Raw source byte. */
  readonly src: number
  /** Bus number on its panda (0–3). */
  readonly bus: number
  /** Which panda (0 for single-panda cars). */
  readonly pandaIndex: number
  /** True for src 128–191: a frame openpilot sent, echoed back. */
  readonly echo: boolean
  /** True for src ≥ 192: a send the panda rejected. */
  readonly rejected: boolean
  /** 11- or 29-bit identifier. */
  readonly address: number
  /** Payload; may be a view into the log's bytes, copy it to keep it beyond the current batch. */
  readonly data: Uint8Array
}

/** Splits a raw `src` byte into its bus / panda / echo / rejected parts. */
export const splitSrc = (src: number) => {
  const rejected = src >= 192
  const echo = !rejected && src >= 128
  const base = rejected ? src - 192 : echo ? src - 128 : src
  return { bus: base & 3, pandaIndex: base >> 2, echo, rejected }
}

/** `splitSrc` of every src byte 0–255, computed once (frames are built by the million). */
export const SRC_PARTS: ReadonlyArray<ReturnType<typeof splitSrc>> = Array.from({ length: 256 }, (_, src) => splitSrc(src))

/** Builds a CanFrame from its raw parts. */
export const makeCanFrame = (timeNs: number, src: number, address: number, data: Uint8Array): CanFrame => {
  const s = (src & 255) === src ? SRC_PARTS[src]! : splitSrc(src)
  return { timeNs, src, bus: s.bus, pandaIndex: s.pandaIndex, echo: s.echo, rejected: s.rejected, address, data }
}
