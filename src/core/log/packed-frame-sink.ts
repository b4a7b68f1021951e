import { CanFrameSinkBase } from "./can-sink-base.js"
import { ToolError } from "../errors.js"
import { FrameColumnsWriter } from "./frame-pack.js"
import { type ReadOptions, readLog } from "./log-pipeline.js"
import type { LogSource } from "./log-source.js"
import type { StatsCollector } from "./log-stats.js"

/**
 * Collects CAN frames straight into packed columns (`FrameColumnsWriter` over SharedArrayBuffers), as a
 * segment worker posts them: no frame object is built. A batch holds up to `capacity` frames and spans
 * input chunks: `size` reads 0 until the batch is full, so the reader hands it over only then (or
 * mid-message); `rest` takes what is left at the end of a segment or before an error is reported.
 */
export class PackedFrameSink<B extends ArrayBufferLike = SharedArrayBuffer> extends CanFrameSinkBase<B> {
  private writer: FrameColumnsWriter<B>

  constructor(
    stats: StatsCollector,
    includeSendcan: boolean,
    maxCanPayloadBytes = 64,
    private readonly capacity = 32768,
    private readonly dataCapacity = capacity * 16,
    private readonly allocate: (bytes: number) => B = bytes => new SharedArrayBuffer(bytes) as unknown as B
  ) {
    super(stats, includeSendcan, maxCanPayloadBytes)
    this.writer = this.nextWriter()
  }

  private nextWriter(): FrameColumnsWriter<B> {
    // Room for at least the payload of a frame that did not fit the batch before.
    const data = Math.max(this.dataCapacity, this.list.pending ? this.list.length : 0)
    return new FrameColumnsWriter(this.capacity, data, this.allocate)
  }

  get size(): number {
    return this.full ? this.writer.count : 0
  }

  get full(): boolean {
    return this.writer.count >= this.capacity || this.list.pending
  }

  protected get collected(): number {
    return this.writer.count
  }

  protected takeBatch(): B {
    const done = this.writer.finish()
    this.writer = this.nextWriter()
    return done
  }

  /** The frames collected so far, whether or not the batch is full; undefined when there are none. */
  rest(): B | undefined {
    return this.writer.count > 0 ? this.takeBatch() : undefined
  }

  protected fill(): void {
    this.list.appendColumns(this.writer, this.header.logMonoTime, this.srcCounts)
  }

  protected srcAt(i: number): number {
    return this.writer.srcs[i]!
  }

  protected truncate(count: number): void {
    this.writer.truncate(count)
  }
}

/**
 * `readLog` through a PackedFrameSink: every column batch, the last one not full included, and the
 * frames decoded before a fatal error before that error (as the frame reader does; not after an abort).
 */
export async function* readColumnBatches<B extends ArrayBufferLike>(
  source: LogSource,
  stats: StatsCollector,
  sink: PackedFrameSink<B>,
  options: ReadOptions = {},
  firstSegment = 0
): AsyncGenerator<B> {
  try {
    yield* readLog(source, stats, sink, options, firstSegment)
  } catch (e) {
    const rest = e instanceof ToolError && e.code === "aborted" ? undefined : sink.rest()
    if (rest) yield rest
    throw e
  }
  const rest = sink.rest()
  if (rest) yield rest
}
