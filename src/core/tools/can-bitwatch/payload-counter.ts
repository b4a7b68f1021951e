/** Distinct payloads tracked exactly per (stream, segment) before counting stops admitting new ones. */
export const PAYLOAD_TRACK_LIMIT = 65_536

/**
 * Counts payloads (as hex) of one stream segment. Exact up to PAYLOAD_TRACK_LIMIT distinct
 * payloads; past that, new payloads are only counted in `untracked` and `capped` is set, so
 * memory stays bounded and the report says it is a lower bound.
 */
export const createPayloadCounter = () => {
  const counts = new Map<string, number>()
  let frames = 0
  let untracked = 0
  return {
    add: (hex: string) => {
      frames++
      const n = counts.get(hex)
      if (n !== undefined) counts.set(hex, n + 1)
      else if (counts.size < PAYLOAD_TRACK_LIMIT) counts.set(hex, 1)
      else untracked++
    },
    frames: () => frames,
    summary: (top: number) => ({
      frames,
      unique_payloads: counts.size,
      capped: untracked > 0,
      untracked_frames: untracked,
      top_payloads: [...counts]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, top)
        .map(([hex, n]) => [hex, n] as [string, number])
    })
  }
}

/** A bounded payload counter. */
export type PayloadCounter = ReturnType<typeof createPayloadCounter>
