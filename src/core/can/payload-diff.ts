/**
 * Payload comparison for the streaming bit trackers, which keep each stream's last payload in a
 * zeroed byte buffer (bytes past its length stay 0) and compare every new frame against it.
 */

/**
 * Compares the stored payload `stored[offset + i]` (i < storedLength) with `current[i]`
 * (i < currentLength), the shorter one read as zero-padded like the old tools' u64 comparison, and
 * writes every differing bit into `out` as `globalBit << 1 | rising`, in ascending bit order. The
 * current payload replaces the stored one as it goes (only the bytes that differ are written; bytes
 * past currentLength end up 0). Returns how many bits differ. Allocation-free; `out` needs room
 * for 8 × the longer length.
 */
export const diffAndStorePayload = (
  stored: Uint8Array,
  offset: number,
  storedLength: number,
  current: Uint8Array,
  currentLength: number,
  out: Uint32Array
): number => {
  const span = Math.max(currentLength, storedLength)
  let count = 0
  for (let i = 0; i < span; i++) {
    const cur = i < currentLength ? current[i] : 0
    let diff = cur ^ stored[offset + i]
    if (diff === 0) continue
    stored[offset + i] = cur
    const base = i * 8 + 31
    while (diff !== 0) {
      const low = diff & -diff
      out[count++] = ((base - Math.clz32(low)) << 1) | ((cur & low) !== 0 ? 1 : 0)
      diff ^= low
    }
  }
  return count
}

/** Stores `current[0, currentLength)` at `offset`, zeroing what is left of a longer stored payload. */
export const storePayload = (stored: Uint8Array, offset: number, storedLength: number, current: Uint8Array, currentLength: number): void => {
  for (let i = 0; i < currentLength; i++) stored[offset + i] = current[i]
  for (let i = currentLength; i < storedLength; i++) stored[offset + i] = 0
}
