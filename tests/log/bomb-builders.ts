import { concat } from "./capnp-builder.js"

/** `head -c 20000000 /dev/zero | bzip2 -9`: one bzip2 stream that run-length-expands to 20 MB of zeros. */
export const bz2Zeros20mb = (): Uint8Array =>
  Uint8Array.from(atob("QlpoOTFBWSZTWb/Kr8QAmS/CAMAAAAgACCAAMMwFKaaqkRRsAoijxdyRThQkL/Kr8QA="), c => c.charCodeAt(0))

/** `streams` concatenated copies of the 20 MB zero stream: a bzip2 bomb of a few KiB. */
export const bz2ZerosBomb = (streams: number): Uint8Array => {
  const one = bz2Zeros20mb()
  return concat(...Array.from({ length: streams }, () => one))
}

const ZSTD_MAX_BLOCK = 128 * 1024

/**
 * A zstd frame (no checksum, no content size, 8 MiB window) holding `bytes` copies of `value` as RLE
 * blocks of 128 KiB — 4 bytes per block, so 1 GiB of zeros fits in 32 KiB. `prefix` (raw block) comes first.
 */
export const zstdRleFrame = (bytes: number, value = 0, prefix: Uint8Array = new Uint8Array(0)): Uint8Array => {
  const blocks = Math.ceil(bytes / ZSTD_MAX_BLOCK)
  const out = new Uint8Array(6 + (prefix.length > 0 ? 3 + prefix.length : 0) + blocks * 4)
  out.set([0x28, 0xb5, 0x2f, 0xfd, 0x00, (23 - 10) << 3])
  let at = 6
  const header = (last: boolean, type: number, size: number) => {
    const v = (size << 3) | (type << 1) | (last ? 1 : 0)
    out.set([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff], at)
    at += 3
  }
  if (prefix.length > 0) {
    header(blocks === 0, 0, prefix.length)
    out.set(prefix, at)
    at += prefix.length
  }
  for (let i = 0; i < blocks; i++) {
    const size = Math.min(ZSTD_MAX_BLOCK, bytes - i * ZSTD_MAX_BLOCK)
    header(i === blocks - 1, 1, size)
    out[at++] = value
  }
  return out
}
