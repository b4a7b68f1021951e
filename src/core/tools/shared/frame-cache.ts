import { growTypedArray } from "../../util/grow-typed-array.js"
import { makeCanFrame, type CanFrame } from "../../can/can-frame.js"
import type { OldToolsSegment } from "../../can/csv-format.js"

/** Frames a multi-pass tool keeps in memory to replay instead of re-reading the input (≈ 25 MB). */
export const MAX_CACHED_FRAMES = 1_000_000

const SEGMENTS: ReadonlyArray<OldToolsSegment> = ["pre", "window", "post"]
const NO_SEGMENT = 255
const REPLAY_BATCH = 4096

/**
 * A compact copy (typed arrays) of the frames of a first pass, so later passes replay them without
 * decompressing and decoding the log again. Recording stops for good once `maxFrames` is exceeded
 * (the copy is dropped and `complete` stays false): memory is bounded, longer logs are re-read.
 */
export const createFrameCache = (maxFrames = MAX_CACHED_FRAMES) => {
  let cap = 4096
  let n = 0
  let time = new Float64Array(cap)
  let src = new Uint8Array(cap)
  let address = new Uint32Array(cap)
  let offset = new Uint32Array(cap + 1)
  let segment = new Uint8Array(cap)
  let bytes = new Uint8Array(cap * 8)
  let overflowed = false
  let finished = false

  const grow = () => {
    cap *= 2
    time = growTypedArray(time, cap)
    src = growTypedArray(src, cap)
    address = growTypedArray(address, cap)
    offset = growTypedArray(offset, cap + 1)
    segment = growTypedArray(segment, cap)
  }

  const drop = () => {
    overflowed = true
    time = new Float64Array(0)
    src = new Uint8Array(0)
    address = new Uint32Array(0)
    offset = new Uint32Array(1)
    segment = new Uint8Array(0)
    bytes = new Uint8Array(0)
    n = 0
  }

  const push = (f: CanFrame & { readonly segment?: OldToolsSegment }) => {
    if (overflowed) return
    if (n >= maxFrames) return drop()
    if (n === cap) grow()
    const start = offset[n]
    if (start + f.data.length > bytes.length) bytes = growTypedArray(bytes.subarray(0, start), Math.max(bytes.length * 2, start + f.data.length))
    bytes.set(f.data, start)
    time[n] = f.timeNs
    src[n] = f.src
    address[n] = f.address
    segment[n] = f.segment === undefined ? NO_SEGMENT : SEGMENTS.indexOf(f.segment)
    offset[n + 1] = start + f.data.length
    n++
  }

  return {
    /** Records every frame of a pass while passing its batches through unchanged. */
    record: async function* <F extends CanFrame>(batches: AsyncIterable<ReadonlyArray<F>>): AsyncGenerator<ReadonlyArray<F>> {
      for await (const batch of batches) {
        for (const f of batch) push(f)
        yield batch
      }
      finished = true
    },
    /** True when a whole first pass was recorded within the limit. */
    complete: () => finished && !overflowed,
    frames: () => n,
    /** Replays the recorded frames in order, in batches; `onProgress` gets the fraction replayed. */
    replay: async function* (onProgress?: (fraction: number) => void): AsyncGenerator<ReadonlyArray<CanFrame & { readonly segment?: OldToolsSegment }>> {
      for (let i = 0; i < n; i += REPLAY_BATCH) {
        const end = Math.min(n, i + REPLAY_BATCH)
        const batch: Array<CanFrame & { segment?: OldToolsSegment }> = new Array(end - i)
        for (let k = i; k < end; k++) {
          const frame: CanFrame & { segment?: OldToolsSegment } = makeCanFrame(time[k], src[k], address[k], bytes.subarray(offset[k], offset[k + 1]))
          if (segment[k] !== NO_SEGMENT) frame.segment = SEGMENTS[segment[k]]
          batch[k - i] = frame
        }
        onProgress?.(end / n)
        yield batch
      }
    }
  }
}

/** A frame cache (see createFrameCache). */
export type FrameCache = ReturnType<typeof createFrameCache>
