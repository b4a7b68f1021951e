import type { FrameHeader } from "./zstd-frame-header.js"

/** The zstd decoders the reader can use, fastest first. */
export type ZstdDecoderKind = "zlib" | "napi" | "fzstd"

/**
 * Decodes the bytes of zstd frames that `ZstdDecoder` has already walked and checked (header, window,
 * block types and sizes). Output goes to the `emit` callback given to its factory, at most about one
 * block per `push`.
 */
export interface ZstdEngine {
  /** Starts a frame; `header` holds exactly its header bytes. */
  begin(header: Uint8Array, frame: FrameHeader): void
  /** The frame's block bytes (block headers included), in order, in any slicing. */
  push(bytes: Uint8Array): void
  /**
   * Ends the frame. `checksum` holds the 4 stored checksum bytes when the frame has one. Returns
   * undefined when the content checksum matches (or there is none), else what was computed, if known.
   */
  end(checksum: Uint8Array | undefined): { readonly computed: number | undefined } | undefined
}

/** Makes an engine that hands its output to `emit` (each piece a region nobody writes to again). */
export type ZstdEngineFactory = (emit: (data: Uint8Array) => void) => ZstdEngine

/** One streaming call of a native decoder: decompresses from `src` into `dst`, returns bytes written and read. */
export type NativeStep = (src: Uint8Array, dst: Uint8Array) => readonly [produced: number, consumed: number]

const SLAB_BYTES = 1 << 20
const MIN_ROOM = 1 << 16

const isChecksumError = (e: unknown) => /checksum/i.test(`${(e as { code?: string }).code ?? ""} ${(e as Error).message ?? ""}`)

/**
 * A native streaming zstd context (libzstd through node:zlib or zstd-napi) as an engine. Output is
 * written into 1 MiB slabs (smaller output buffers halve native throughput) and emitted as
 * subarrays; a slab region is never reused, so the pieces stay valid.
 */
export const nativeEngine =
  (newStep: () => NativeStep): ZstdEngineFactory =>
  emit => {
    const step = newStep()
    let slab = new Uint8Array(SLAB_BYTES)
    let used = 0
    const feed = (input: Uint8Array) => {
      let src = input
      for (;;) {
        if (slab.length - used < MIN_ROOM) {
          slab = new Uint8Array(SLAB_BYTES)
          used = 0
        }
        const room = slab.length - used
        const [produced, consumed] = step(src, slab.subarray(used))
        if (produced > 0) emit(slab.subarray(used, (used += produced)))
        src = src.subarray(consumed)
        if (src.length === 0 && produced < room) return
      }
    }
    return {
      begin: header => feed(header),
      push: feed,
      end(checksum) {
        if (checksum === undefined) return undefined
        try {
          feed(checksum)
        } catch (e) {
          if (isChecksumError(e)) return { computed: undefined }
          throw e
        }
        return undefined
      }
    }
  }
