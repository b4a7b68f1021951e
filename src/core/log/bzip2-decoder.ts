import type { ChunkDecoder } from "./compression.js"
import { BitReader, NeedMoreInput } from "./bzip2-bit-reader.js"
import { Bz2BlockDecoder, Bz2Corrupt } from "./bzip2-block.js"
import { DecodeFailure } from "./log-errors.js"

const enum Stage {
  StreamHeader,
  BlockMagic,
  BlockBody,
  Output,
  Done
}

const OUTPUT_SLICE = 1 << 18
/** Output of a block kept while its CRC is checked; longer blocks are decoded twice instead. */
const HOLD_LIMIT = 1 << 23
const BLOCK_MAGIC_HI = 0x314159
const BLOCK_MAGIC_LO = 0x265359
const EOS_MAGIC_HI = 0x177245
const EOS_MAGIC_LO = 0x385090

/**
 * Streaming bzip2 decoder (concatenated streams supported). A block is decoded once all its bits
 * have arrived: it waits for `level × 100 kB + 25 kB` of input (a block's worst case in practice) and
 * retries with twice as much if the block turns out longer. Output leaves in 256 KiB slices.
 */
export class Bz2Decoder implements ChunkDecoder {
  private readonly br = new BitReader()
  private readonly block = new Bz2BlockDecoder()
  private stage = Stage.StreamHeader
  private ended = false
  private maxBlockSize = 0
  private waitFor = 0
  private expectedBlockCrc = 0
  private streamCrc = 0
  private unitStart = 0
  private cut: string | undefined
  private failure: DecodeFailure | undefined
  private held: Array<Uint8Array> = []
  private heldHead = 0
  private replay = false

  get consumed(): number {
    return this.br.offset
  }

  push(chunk: Uint8Array): void {
    if (chunk.length > 0) this.br.append(chunk)
  }

  end(): void {
    this.ended = true
  }

  incomplete(): string | undefined {
    return this.cut
  }

  pull(): Uint8Array | undefined {
    if (this.failure) throw this.failure
    for (;;) {
      if (this.stage === Stage.Output) {
        if (this.heldHead < this.held.length) return this.held[this.heldHead++]
        if (this.replay && this.block.pending) return this.block.emit(OUTPUT_SLICE)
        this.held = []
        this.heldHead = 0
        this.replay = false
        this.stage = Stage.BlockMagic
        continue
      }
      if (this.stage === Stage.Done) return undefined
      this.br.save()
      try {
        if (!this.advance()) return undefined
      } catch (e) {
        if (e instanceof NeedMoreInput) {
          this.br.restore()
          if (!this.ended) {
            this.waitFor = Math.max(this.waitFor, this.br.available * 2)
            return undefined
          }
          this.cut = `the bzip2 stream ends inside the block that starts at compressed byte ${this.unitStart} (file cut); that block could not be decoded`
          this.stage = Stage.Done
          return undefined
        }
        const message = e instanceof Bz2Corrupt ? e.message : (e as Error).message
        this.failure = new DecodeFailure("decompression_failed", `bzip2 data corrupt in the block at byte ${this.unitStart}: ${message}`, this.unitStart)
        throw this.failure
      }
    }
  }

  /** One step of the stream grammar; false when it must wait for more input. */
  private advance(): boolean {
    const br = this.br
    if (this.stage !== Stage.BlockBody) this.unitStart = br.offset
    if (this.stage === Stage.StreamHeader) {
      if (br.exhausted && this.ended && this.maxBlockSize > 0) {
        this.stage = Stage.Done
        return true
      }
      if (br.bits(8) !== 0x42 || br.bits(8) !== 0x5a || br.bits(8) !== 0x68)
        throw new Bz2Corrupt(this.maxBlockSize > 0 ? "unexpected data after the end of a bzip2 stream" : "not a bzip2 stream")
      const level = br.bits(8) - 0x30
      if (level < 1 || level > 9) throw new Bz2Corrupt(`bad block size level ${level}`)
      this.maxBlockSize = level * 100_000
      this.waitFor = this.maxBlockSize + 25_000
      this.streamCrc = 0
      this.stage = Stage.BlockMagic
      return true
    }
    if (this.stage === Stage.BlockMagic) {
      const hi = br.bits(24)
      const lo = br.bits(24)
      const crc = br.bits32()
      if (hi === BLOCK_MAGIC_HI && lo === BLOCK_MAGIC_LO) {
        this.expectedBlockCrc = crc
        this.stage = Stage.BlockBody
        return true
      }
      if (hi !== EOS_MAGIC_HI || lo !== EOS_MAGIC_LO) throw new Bz2Corrupt("bad block magic")
      if (crc !== this.streamCrc >>> 0)
        throw new Bz2Corrupt(`stream CRC mismatch (stored ${crc.toString(16)}, computed ${(this.streamCrc >>> 0).toString(16)})`)
      br.alignToByte()
      this.stage = Stage.StreamHeader
      return true
    }
    if (!this.ended && br.available < this.waitFor) return false
    this.block.read(br, this.maxBlockSize)
    this.waitFor = this.maxBlockSize + 25_000
    this.verifyBlock()
    this.stage = Stage.Output
    return true
  }

  /** Runs the block's output once to check its CRC before any of it leaves; keeps it unless it is huge. */
  private verifyBlock(): void {
    let heldBytes = 0
    while (this.block.pending) {
      const slice = this.block.emit(OUTPUT_SLICE)
      heldBytes += slice.length
      if (heldBytes <= HOLD_LIMIT) this.held.push(slice)
    }
    this.checkBlockCrc()
    if (heldBytes > HOLD_LIMIT) {
      this.held = []
      this.replay = true
      this.block.rewind()
    }
  }

  private checkBlockCrc(): void {
    const crc = this.block.blockCrc
    if (crc !== this.expectedBlockCrc) throw new Bz2Corrupt(`block CRC mismatch (stored ${this.expectedBlockCrc.toString(16)}, computed ${crc.toString(16)})`)
    this.streamCrc = ((this.streamCrc << 1) | (this.streamCrc >>> 31)) ^ crc
  }
}
