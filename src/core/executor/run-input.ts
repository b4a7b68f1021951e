import { openWorkerInput } from "./input-file.js"
import { rangedInput, type OpenedInput } from "./ranged-input.js"
import type { ArtifactWorkerInput, WorkerInput } from "./worker-protocol.js"

/** Reads up to `length` bytes of artifact input `index` at `offset` through the ArtifactStore (fewer only at its end). */
export type ReadArtifactInput = (index: number, offset: number, length: number) => Promise<Uint8Array>

/** Bytes per read of an artifact input: each read is a round trip to the executor, so they are larger than a file's. */
export const ARTIFACT_READ_BYTES = 1024 * 1024

/**
 * An artifact input read through `read` (the executor's store, over the worker link or in process).
 * One read is in flight at a time: while the tool works on a chunk, the next one (same length, right
 * after it) is already asked for, so a pass does not wait a round trip per chunk. The first read from 0
 * is kept, so sniffing the head and then reading the whole input continues one stream of the store
 * instead of opening a second one.
 */
export const openArtifactInput = (input: ArtifactWorkerInput, read: (offset: number, length: number) => Promise<Uint8Array>): OpenedInput => {
  let head: Uint8Array | null = null
  let queue: Promise<unknown> = Promise.resolve()
  let ahead: { readonly pos: number; readonly length: number; readonly chunk: Promise<Uint8Array> } | null = null
  const ask = (pos: number, length: number): Promise<Uint8Array> => {
    const chunk = queue.then(() => read(pos, length))
    queue = chunk.catch(() => undefined)
    return chunk
  }
  /** Asks for the chunk after one that ended at `end` (unless the input ends there). */
  const readAhead = (end: number, length: number) => {
    if (end >= input.size) return
    const next = { pos: end, length: Math.min(length, input.size - end), chunk: ask(end, Math.min(length, input.size - end)) }
    next.chunk.catch(() => undefined)
    ahead = next
  }
  const readAt = async (pos: number, length: number): Promise<Uint8Array> => {
    const next = ahead
    if (pos === 0 && head !== null && (head.byteLength >= length || head.byteLength === input.size)) {
      if (next?.pos !== head.byteLength) readAhead(head.byteLength, length)
      return head.slice(0, length)
    }
    ahead = null
    const chunk = await (next && next.pos === pos && next.length === length ? next.chunk : ask(pos, length))
    if (pos === 0 && head === null) head = chunk.slice()
    if (chunk.byteLength === length) readAhead(pos + chunk.byteLength, length)
    return chunk
  }
  return rangedInput(input, { readAt, close: async () => void ((head = null), (ahead = null)), readBytes: ARTIFACT_READ_BYTES }, () => undefined)
}

/** Opens input `index` of a run: a path input through its checked file descriptor, an artifact input through `readArtifact`. */
export const openRunInput = (input: WorkerInput, index: number, readArtifact: ReadArtifactInput, onHashed: (sha256: string) => void): Promise<OpenedInput> =>
  input.kind === "artifact"
    ? Promise.resolve(openArtifactInput(input, (offset, length) => readArtifact(index, offset, length)))
    : openWorkerInput(input, onHashed)
