import { DecodeFailure } from "./log-errors.js"

/**
 * log2 of the largest window accepted: 8 MiB, what `zstd -1` … `-19` write (openpilot writes level 10,
 * 4 MiB at most). `--long` and `--ultra -20` … `-22` frames (32–128 MiB, 2–3 times that in RSS) are refused
 * with `window_too_large` before any decoder allocates.
 */
export const MAX_WINDOW_LOG = 23
/** Largest window accepted, in bytes. */
export const MAX_WINDOW_BYTES = 2 ** MAX_WINDOW_LOG
/** zstd's Block_Maximum_Size. */
export const MAX_BLOCK_BYTES = 1 << 17

/** Magic number of a zstd frame (little-endian `28 B5 2F FD`). */
export const ZSTD_MAGIC = 0xfd2fb528
const SKIPPABLE_MAGIC = 0x184d2a50

/** What the first four bytes of a frame say. */
export const frameKind = (magic: number): "zstd" | "skippable" | "invalid" =>
  magic === ZSTD_MAGIC ? "zstd" : (magic & 0xfffffff0) >>> 0 === SKIPPABLE_MAGIC ? "skippable" : "invalid"

/** Size of a zstd frame header, given its Frame_Header_Descriptor byte (magic included). */
export const frameHeaderSize = (descriptor: number): number => {
  const fcsFlag = descriptor >> 6
  const single = (descriptor >> 5) & 1
  const dictBytes = [0, 1, 2, 4][descriptor & 3]
  const fcsBytes = fcsFlag === 0 ? single : 1 << fcsFlag
  return 5 + (single ? 0 : 1) + dictBytes + fcsBytes
}

/** A parsed, accepted zstd frame header. */
export interface FrameHeader {
  readonly hasChecksum: boolean
  /** Frame_Content_Size, or -1 when absent. */
  readonly contentSize: number
  readonly windowSize: number
}

const readLE = (b: Uint8Array, at: number, n: number): number => {
  let v = 0
  for (let i = n - 1; i >= 0; i--) v = v * 256 + b[at + i]
  return v
}

/** Parses and checks a complete frame header (`h` holds exactly its bytes); `offset` is where it starts in the file. */
export const parseFrameHeader = (h: Uint8Array, offset: number): FrameHeader => {
  const d = h[4]
  const fcsFlag = d >> 6
  const single = (d >> 5) & 1
  if (d & 0x08) throw new DecodeFailure("decompression_failed", `zstd frame at byte ${offset}: reserved header bit set (corrupt frame header)`, offset)
  let at = single ? 5 : 6
  const dictBytes = [0, 1, 2, 4][d & 3]
  const dictId = readLE(h, at, dictBytes)
  at += dictBytes
  if (dictId !== 0)
    throw new DecodeFailure("decompression_failed", `zstd frame at byte ${offset} needs dictionary ${dictId}; dictionaries are not supported`, offset)
  const fcsBytes = fcsFlag === 0 ? single : 1 << fcsFlag
  const contentSize = fcsBytes === 0 ? -1 : readLE(h, at, fcsBytes) + (fcsBytes === 2 ? 256 : 0)
  let windowSize = contentSize
  if (!single) {
    const exponent = 10 + (h[5] >> 3)
    const base = 2 ** exponent
    windowSize = base + (base / 8) * (h[5] & 7)
  }
  if (windowSize > MAX_WINDOW_BYTES)
    throw new DecodeFailure(
      "window_too_large",
      `zstd frame at byte ${offset} needs a ${windowSize}-byte window, above the ${MAX_WINDOW_BYTES}-byte (8 MiB) limit`,
      offset
    )
  return { hasChecksum: ((d >> 2) & 1) === 1, contentSize, windowSize }
}
