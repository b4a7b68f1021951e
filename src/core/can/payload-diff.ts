/**
 * Payload comparison for the streaming bit trackers, which keep each stream's last payload in a
 * zeroed byte buffer (bytes past its length stay 0) and compare every new frame against it.
 */

/**
 * Writes every bit that differs between the stored payload `stored[offset + i]` (i < storedLength)
 * and `current[i]` (i < currentLength), the shorter one read as zero-padded like the old tools' u64
 * comparison, into `out` as `globalBit << 1 | rising`, in ascending bit order. Returns how many.
 * Allocation-free; `out` needs room for 8 × the longer length.
 */
export const collectChangedBits = (
  stored: Uint8Array,
  offset: number,
  storedLength: number,
  current: Uint8Array,
  currentLength: number,
  out: Uint32Array
): number => {
  const span = currentLength > storedLength ? currentLength : storedLength
  let count = 0
  for (let i = 0; i < span; i++) {
    const cur = i < currentLength ? current[i] : 0
    let diff = cur ^ stored[offset + i]
    while (diff !== 0) {
      const low = diff & -diff
      out[count++] = ((i * 8 + 31 - Math.clz32(low)) << 1) | ((cur & low) !== 0 ? 1 : 0)
      diff ^= low
    }
  }
  return count
}

/** Stores `current[0, currentLength)` at `offset`, zeroing what is left of a longer stored payload. */
export const storePayload = (
  stored: Uint8Array,
  offset: number,
  storedLength: number,
  current: Uint8Array,
  currentLength: number
): void => {
  stored.fill(0, offset + currentLength, offset + storedLength)
  stored.set(currentLength === current.length ? current : current.subarray(0, currentLength), offset)
}
