/** Limits a log read enforces against hostile or broken input (see docs/log-reader.md, "Reader limits"). */
export interface ReadLimits {
  /**
   * Words (8 bytes) a single message may visit while it is decoded, counting shared data once per
   * visit, as libcapnp's traversal limit does. A message over it is skipped with a `malformed_event`
   * warning. Default 8 Mi words (64 MiB).
   */
  readonly traversalLimitWords: number
  /** Largest CAN payload kept, bytes; longer `dat` fields are dropped with an `oversized_can_frame` warning. Default 64 (CAN FD). */
  readonly maxCanPayloadBytes: number
  /**
   * Malformed messages (no root, impossible pointers…) a segment may start with before it is refused as
   * `not_a_log`. Default 32.
   */
  readonly maxLeadingMalformed: number
  /**
   * Largest ratio of decompressed to compressed bytes of a segment; above it the read ends with
   * `decompression_ratio_exceeded`. Checked once a segment has produced more than `ratioGraceBytes`. Default 100.
   */
  readonly maxDecompressionRatio: number
  /** Decompressed bytes a segment may produce before the ratio is checked. Default 16 MiB. */
  readonly ratioGraceBytes: number
}

/** The defaults of every reader limit. */
export const DEFAULT_READ_LIMITS: ReadLimits = {
  traversalLimitWords: 8 * 1024 * 1024,
  maxCanPayloadBytes: 64,
  maxLeadingMalformed: 32,
  maxDecompressionRatio: 100,
  ratioGraceBytes: 16 * 1024 * 1024
}

/** The defaults with `overrides` applied (undefined fields keep their default). */
export const resolveReadLimits = (overrides: Partial<ReadLimits> = {}): ReadLimits => {
  const out: Record<string, number> = { ...DEFAULT_READ_LIMITS }
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) out[k] = v
  return out as unknown as ReadLimits
}
