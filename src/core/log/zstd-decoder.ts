import type { ChunkDecoder } from "./compression.js"
import { DecodeFailure } from "./log-errors.js"
import type { ZstdDecoderKind, ZstdEngine, ZstdEngineFactory } from "./zstd-engine.js"
import { chooseZstdEngine, loadZstdEngine } from "./zstd-engine-choice.js"
import { type FrameHeader, MAX_BLOCK_BYTES, frameHeaderSize, frameKind, parseFrameHeader } from "./zstd-frame-header.js"

const enum Stage {
  FrameHeader,
  SkippableBody,
  BlockHeader,
  BlockBody,
  Checksum
}

/**
 * Streaming zstd decoder. This class walks the frame layout itself and feeds an engine (native libzstd
 * or fzstd, see zstd-engine-choice.ts) one block at a time, so output per pull stays bounded, oversized
 * windows, dictionaries and reserved block types are refused before the engine allocates, and every
 * engine reports the same errors at the same offsets.
 */
export class ZstdDecoder implements ChunkDecoder {
  private readonly input: Array<Uint8Array> = []
  private inHead = 0
  private inPos = 0
  private readonly out: Array<Uint8Array> = []
  private outHead = 0
  private failure: DecodeFailure | undefined
  private stage = Stage.FrameHeader
  private readonly head = new Uint8Array(18)
  private headLen = 0
  private need = 4
  private remaining = 0
  private unitStart = 0
  private frameStart = 0
  private lastBlock = false
  private frame: FrameHeader | undefined
  private readonly engine: ZstdEngine
  private produced = 0
  consumed = 0

  constructor(factory: ZstdEngineFactory) {
    this.engine = factory(data => {
      this.produced += data.length
      this.out.push(data)
    })
  }

  push(chunk: Uint8Array): void {
    if (chunk.length > 0) this.input.push(chunk)
  }

  end(): void {}

  pull(): Uint8Array | undefined {
    while (this.outHead >= this.out.length) {
      this.out.length = this.outHead = 0
      if (this.failure) throw this.failure
      try {
        if (!this.step()) return undefined
      } catch (e) {
        this.failure =
          e instanceof DecodeFailure
            ? e
            : new DecodeFailure("decompression_failed", `zstd data corrupt in the block at byte ${this.unitStart}: ${(e as Error).message}`, this.unitStart)
      }
    }
    return this.out[this.outHead++]
  }

  incomplete(): string | undefined {
    if (this.stage === Stage.FrameHeader && this.headLen === 0) return undefined
    return `the zstd stream ends inside the frame that starts at compressed byte ${this.frameStart} (file cut at byte ${this.consumed}); the unfinished block could not be decoded and the frame checksum could not be checked`
  }

  /** Consumes one slice of input (at most up to the end of the current header, block or checksum). */
  private step(): boolean {
    while (this.inHead < this.input.length && this.inPos >= this.input[this.inHead].length) {
      this.inHead++
      this.inPos = 0
    }
    if (this.inHead >= this.input.length) {
      this.input.length = this.inHead = 0
      return false
    }
    const chunk = this.input[this.inHead]
    const avail = chunk.length - this.inPos
    if (this.stage === Stage.BlockBody || this.stage === Stage.SkippableBody) {
      const n = Math.min(avail, this.remaining)
      if (this.stage === Stage.BlockBody) this.engine.push(chunk.subarray(this.inPos, this.inPos + n))
      this.inPos += n
      this.consumed += n
      this.remaining -= n
      if (this.remaining === 0) this.stage === Stage.BlockBody ? this.blockDone() : this.startFrame()
      return true
    }
    if (this.stage === Stage.BlockHeader && this.headLen === 0 && avail >= 3 && this.wholeBlock(chunk, avail)) return true
    const n = Math.min(avail, this.need - this.headLen)
    this.head.set(chunk.subarray(this.inPos, this.inPos + n), this.headLen)
    this.headLen += n
    this.inPos += n
    this.consumed += n
    if (this.headLen === this.need) this.headDone()
    return true
  }

  /** Fast path: a block wholly inside the current chunk goes to the engine in one push, header included (no copy). */
  private wholeBlock(chunk: Uint8Array, avail: number): boolean {
    const at = this.inPos
    const b0 = chunk[at]
    const type = (b0 >> 1) & 3
    const size = (b0 >> 3) | (chunk[at + 1] << 5) | (chunk[at + 2] << 13)
    const total = 3 + (type === 1 ? 1 : size)
    if (type === 3 || size > MAX_BLOCK_BYTES || total > avail) return false
    this.lastBlock = (b0 & 1) === 1
    this.engine.push(chunk.subarray(at, at + total))
    this.inPos += total
    this.consumed += total
    this.blockDone()
    return true
  }

  private startFrame(): void {
    this.stage = Stage.FrameHeader
    this.headLen = 0
    this.need = 4
    this.frameStart = this.unitStart = this.consumed
  }

  private headDone(): void {
    const h = this.head
    if (this.stage === Stage.FrameHeader) return this.frameHeaderProgress(h)
    if (this.stage === Stage.BlockHeader) {
      const type = (h[0] >> 1) & 3
      const size = (h[0] >> 3) | (h[1] << 5) | (h[2] << 13)
      if (type === 3)
        throw new DecodeFailure("decompression_failed", `zstd data corrupt: reserved block type in the block header at byte ${this.unitStart}`, this.unitStart)
      if (size > MAX_BLOCK_BYTES)
        throw new DecodeFailure(
          "decompression_failed",
          `zstd data corrupt: ${size}-byte block at byte ${this.unitStart} exceeds the 128 KiB block limit`,
          this.unitStart
        )
      this.lastBlock = (h[0] & 1) === 1
      this.engine.push(h.slice(0, 3))
      this.stage = Stage.BlockBody
      this.remaining = type === 1 ? 1 : size
      if (this.remaining === 0) this.blockDone()
      return
    }
    this.finishFrame(h.slice(0, 4))
  }

  private frameHeaderProgress(h: Uint8Array): void {
    if (this.need === 4) {
      const magic = (h[0] | (h[1] << 8) | (h[2] << 16) | (h[3] << 24)) >>> 0
      const kind = frameKind(magic)
      if (kind === "invalid")
        throw new DecodeFailure("decompression_failed", `not a zstd frame at byte ${this.unitStart} (unknown frame magic)`, this.unitStart)
      this.need = kind === "zstd" ? 5 : 8
      return
    }
    if (this.need === 8 && frameKind((h[0] | (h[1] << 8) | (h[2] << 16) | (h[3] << 24)) >>> 0) === "skippable") {
      this.stage = Stage.SkippableBody
      this.remaining = (h[4] | (h[5] << 8) | (h[6] << 16) | (h[7] << 24)) >>> 0
      if (this.remaining === 0) this.startFrame()
      return
    }
    const size = frameHeaderSize(h[4])
    if (this.headLen < size) {
      this.need = size
      return
    }
    this.frame = parseFrameHeader(h, this.frameStart)
    this.produced = 0
    this.engine.begin(h.slice(0, size), this.frame)
    this.nextBlockHeader()
  }

  private nextBlockHeader(): void {
    this.stage = Stage.BlockHeader
    this.headLen = 0
    this.need = 3
    this.unitStart = this.consumed
  }

  private blockDone(): void {
    if (!this.lastBlock) return this.nextBlockHeader()
    if (!this.frame!.hasChecksum) return this.finishFrame(undefined)
    this.stage = Stage.Checksum
    this.headLen = 0
    this.need = 4
    this.unitStart = this.consumed
  }

  private finishFrame(checksum: Uint8Array | undefined): void {
    const mismatch = this.engine.end(checksum)
    const frame = this.frame!
    if (frame.contentSize >= 0 && frame.contentSize !== this.produced)
      throw new DecodeFailure(
        "decompression_failed",
        `zstd frame at byte ${this.frameStart} decoded to ${this.produced} bytes but its header says ${frame.contentSize}`,
        this.frameStart
      )
    if (checksum && mismatch) {
      const expected = (checksum[0] | (checksum[1] << 8) | (checksum[2] << 16) | (checksum[3] << 24)) >>> 0
      const computed = mismatch.computed === undefined ? "" : `, computed ${hex(mismatch.computed)}`
      throw new DecodeFailure(
        "checksum_mismatch",
        `zstd content checksum mismatch for the frame at byte ${this.frameStart}: stored ${hex(expected)}${computed}; the decompressed data is not what was compressed`,
        this.unitStart
      )
    }
    this.startFrame()
  }
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`

/** A zstd decoder on the chosen engine (`CTS_ZSTD_DECODER`, else node:zlib → zstd-napi → fzstd), or on `kind`. */
export const createZstdDecoder = async (kind?: ZstdDecoderKind): Promise<ZstdDecoder> => {
  if (kind === undefined) return new ZstdDecoder((await chooseZstdEngine()).factory)
  const factory = await loadZstdEngine(kind)
  if (factory === undefined) throw new Error(`the ${kind} zstd decoder cannot load in this runtime`)
  return new ZstdDecoder(factory)
}
