import { ToolError } from "../errors.js"
import { Bz2Decoder } from "./bzip2-decoder.js"
import { MessageFramer } from "./capnp-framer.js"
import { CapnpMessage } from "./capnp-message.js"
import { type ChunkDecoder, RawDecoder, SNIFF_BYTES, detectCompression } from "./compression.js"
import { DecodeFailure, logError, segmentLabel } from "./log-errors.js"
import { type ReadLimits, resolveReadLimits } from "./log-limits.js"
import type { BatchSink } from "./can-sink-base.js"
import { type LogSource, readChunks, sourceSegments } from "./log-source.js"
import type { StatsCollector } from "./log-stats.js"
import { SegmentGuard } from "./segment-guard.js"
import { createZstdDecoder } from "./zstd-decoder.js"

/** Options of a log read. */
export interface ReadOptions {
  /** Aborting stops the read at the next chunk with a ToolError `aborted`. */
  readonly signal?: AbortSignal
  /** Called after each chunk taken from the source with the total bytes read so far (compressed). */
  readonly onProgress?: (bytesIn: number) => void
  /** Reader limits (traversal budget, CAN payload, leading malformed run, decompression ratio); unset ones keep their defaults. */
  readonly limits?: Partial<ReadLimits> | undefined
}

const concatHead = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  const head = new Uint8Array(SNIFF_BYTES)
  let n = 0
  for (const c of chunks) {
    const take = Math.min(c.length, SNIFF_BYTES - n)
    head.set(c.subarray(0, take), n)
    n += take
    if (n === SNIFF_BYTES) break
  }
  return head.subarray(0, n)
}

const openDecoder = async (head: ReadonlyArray<Uint8Array>, stats: StatsCollector): Promise<ChunkDecoder> => {
  const kind = detectCompression(concatHead(head))
  stats.noteCompression(kind)
  const decoder = kind === "zstd" ? await createZstdDecoder() : kind === "bz2" ? new Bz2Decoder() : new RawDecoder()
  for (const c of head) decoder.push(c)
  return decoder
}

const checkAbort = (signal: AbortSignal | undefined, stats: StatsCollector) => {
  if (signal?.aborted) throw logError("aborted", `Reading the log was aborted after ${stats.bytesIn} input bytes and ${stats.totalEvents} events`, {})
}

/** Decompressed pieces → messages → sink, yielding each batch as it fills. */
function* drain<T>(decoder: ChunkDecoder, framer: MessageFramer, msg: CapnpMessage, sink: BatchSink<T>, stats: StatsCollector, guard: SegmentGuard) {
  for (let piece = decoder.pull(); piece !== undefined; piece = decoder.pull()) {
    stats.bytesDecompressed += piece.length
    guard.output(piece.length, framer.offset, framer.messageIndex)
    framer.setChunk(piece)
    while (framer.next(msg)) {
      let done = sink.begin(msg, framer)
      while (!done) {
        yield sink.take()
        done = sink.resume()
      }
      guard.message(framer.lastMessageOffset, framer.messageIndex - 1)
      if (sink.full) yield sink.take()
    }
  }
}

const failure = (e: unknown, framer: MessageFramer, decoder: ChunkDecoder | undefined): unknown => {
  if (!(e instanceof DecodeFailure)) return e
  return logError(e.code, `${e.message}${framer.segment > 0 ? ` (route segment ${framer.segment})` : ""}`, {
    offset: e.offset,
    messageIndex: framer.messageIndex,
    segment: framer.segment,
    decompressedOffset: framer.offset,
    compressedBytesRead: decoder?.consumed
  })
}

/**
 * Reads every segment of `source` in order through sniff → decompress → frame → sink. Batches come
 * out per input chunk or when full; on a fatal error the events already decoded are yielded first.
 * `firstSegment` numbers the segments from there (a worker reading one segment of a route).
 */
export async function* readLog<T>(source: LogSource, stats: StatsCollector, sink: BatchSink<T>, options: ReadOptions = {}, firstSegment = 0) {
  const segments = sourceSegments(source)
  const limits = resolveReadLimits(options.limits)
  for (let index = 0; index < segments.length; index++) {
    const segment = firstSegment + index
    const framer = new MessageFramer(segment)
    const msg = new CapnpMessage()
    msg.traversalLimitWords = limits.traversalLimitWords
    const guard = new SegmentGuard(limits, stats, segment)
    const head: Array<Uint8Array> = []
    let headLen = 0
    let decoder: ChunkDecoder | undefined
    try {
      for await (const chunk of readChunks(segments[index]!)) {
        checkAbort(options.signal, stats)
        if (chunk.length === 0) continue
        stats.bytesIn += chunk.length
        guard.bytesIn += chunk.length
        options.onProgress?.(stats.bytesIn)
        if (decoder === undefined) {
          head.push(chunk)
          headLen += chunk.length
          if (headLen < SNIFF_BYTES) continue
          decoder = await openDecoder(head, stats)
        } else decoder.push(chunk)
        yield* drain(decoder, framer, msg, sink, stats, guard)
        if (sink.size > 0) yield sink.take()
      }
      if (headLen === 0) {
        stats.warn({ code: "empty_log", message: segmentLabel(segment, "The log is empty (0 bytes): no events."), offset: 0, messageIndex: 0, segment })
        continue
      }
      decoder ??= await openDecoder(head, stats)
      decoder.end()
      yield* drain(decoder, framer, msg, sink, stats, guard)
      const cut = decoder.incomplete()
      if (framer.partial || cut !== undefined) {
        const where = `byte ${framer.offset} of the decompressed stream, inside message ${framer.messageIndex}`
        stats.warn({
          code: "truncated_log",
          message: segmentLabel(
            segment,
            `The log is truncated: it ends at ${where}; the ${framer.messageIndex} complete events before it were read.${cut ? ` Also, ${cut}.` : ""}`
          ),
          offset: framer.offset,
          messageIndex: framer.messageIndex,
          segment
        })
      } else if (framer.messageIndex === 0) {
        stats.warn({ code: "empty_log", message: segmentLabel(segment, "The log decompressed to 0 bytes: no events."), offset: 0, messageIndex: 0, segment })
      }
    } catch (e) {
      if (sink.size > 0 && !(e instanceof ToolError && e.code === "aborted")) yield sink.take()
      throw failure(e, framer, decoder)
    }
  }
  if (sink.size > 0) yield sink.take()
}
