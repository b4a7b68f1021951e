/** One (bus, address) stream of frames. `bus` is whatever key the caller uses, usually the raw `src`. */
export interface StreamKey {
  readonly bus: number
  readonly address: number
}

/** Dense numbering of (bus, address) pairs, so per-stream state can live in flat typed arrays. */
export interface StreamIndex {
  /** Index of the stream, or -1 when it was never seen. */
  readonly find: (bus: number, address: number) => number
  /** Index of the stream, allocating the next one on first sight. */
  readonly intern: (bus: number, address: number) => number
  /** Number of streams seen. */
  readonly size: () => number
  /** Bus and address of a stream index. */
  readonly keyOf: (index: number) => StreamKey
}

const packKey = (bus: number, address: number): number => bus * 0x100000000 + address

/** Creates an empty StreamIndex. Buses 0–255 (raw src) and 29-bit addresses. */
export const createStreamIndex = (): StreamIndex => {
  const byKey = new Map<number, number>()
  const keys: StreamKey[] = []
  return {
    find: (bus, address) => byKey.get(packKey(bus, address)) ?? -1,
    intern: (bus, address) => {
      const k = packKey(bus, address)
      const found = byKey.get(k)
      if (found !== undefined) return found
      const index = keys.length
      byKey.set(k, index)
      keys.push({ bus, address })
      return index
    },
    size: () => keys.length,
    keyOf: index => keys[index]
  }
}
