/** How a log file is compressed, detected from its first bytes (never from its name). */
export type Compression = "zstd" | "bz2" | "none"

/** Bytes needed to tell the compressions apart. */
export const SNIFF_BYTES = 4

/**
 * zstd frames start with `28 B5 2F FD` (or a zstd skippable frame, `5? 2A 4D 18`), bzip2 streams with
 * `BZh`; anything else is read as raw Cap'n Proto.
 */
export const detectCompression = (head: Uint8Array): Compression => {
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd"
  if (head.length >= 4 && (head[0] & 0xf0) === 0x50 && head[1] === 0x2a && head[2] === 0x4d && head[3] === 0x18) return "zstd"
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return "bz2"
  return "none"
}

/**
 * A push/pull decompressor: `push` compressed chunks, then `pull` decompressed pieces until it returns
 * undefined (more input needed). Each `pull` does a bounded amount of work (about one block), so a
 * highly compressible input never produces an unbounded burst of output.
 */
export interface ChunkDecoder {
  push(chunk: Uint8Array): void
  /** Next decompressed piece (a fresh buffer the caller may keep), or undefined. */
  pull(): Uint8Array | undefined
  /** Marks the end of input; afterwards `pull` drains what is left. */
  end(): void
  /**
   * After `end` and a full drain: undefined when the compressed stream was complete, else a sentence
   * saying where it stopped (the file was cut inside a frame or block).
   */
  incomplete(): string | undefined
  /** Compressed bytes consumed so far. */
  readonly consumed: number
}

/** Passes raw bytes through unchanged. */
export class RawDecoder implements ChunkDecoder {
  private readonly queue: Array<Uint8Array> = []
  private head = 0
  consumed = 0

  push(chunk: Uint8Array): void {
    if (chunk.length > 0) this.queue.push(chunk)
  }

  pull(): Uint8Array | undefined {
    if (this.head >= this.queue.length) {
      if (this.head > 0) this.queue.length = this.head = 0
      return undefined
    }
    const chunk = this.queue[this.head++]
    this.consumed += chunk.length
    return chunk
  }

  end(): void {}

  incomplete(): string | undefined {
    return undefined
  }
}
