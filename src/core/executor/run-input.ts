import { openWorkerInput } from "./input-file.js"
import { rangedInput, type OpenedInput } from "./ranged-input.js"
import type { ArtifactWorkerInput, WorkerInput } from "./worker-protocol.js"

/** Reads up to `length` bytes of artifact input `index` at `offset` through the ArtifactStore (fewer only at its end). */
export type ReadArtifactInput = (index: number, offset: number, length: number) => Promise<Uint8Array>

/**
 * An artifact input read through `read` (the executor's store, over the worker link or in process):
 * one read in flight at a time, and the first read from 0 is kept, so sniffing a head and then reading
 * the whole input continues one stream of the store instead of opening a second one.
 */
export const openArtifactInput = (input: ArtifactWorkerInput, read: (offset: number, length: number) => Promise<Uint8Array>): OpenedInput => {
  let head: Uint8Array | null = null
  let queue: Promise<unknown> = Promise.resolve()
  const readAt = (pos: number, length: number): Promise<Uint8Array> => {
    if (pos === 0 && head !== null && (head.byteLength >= length || head.byteLength === input.size)) return Promise.resolve(head.slice(0, length))
    const result = queue.then(() => read(pos, length))
    queue = result.catch(() => undefined)
    return pos === 0 && head === null ? result.then(chunk => ((head = chunk.slice()), chunk)) : result
  }
  return rangedInput(input, { readAt, close: async () => void (head = null) }, () => undefined)
}

/** Opens input `index` of a run: a path input through its checked file descriptor, an artifact input through `readArtifact`. */
export const openRunInput = (input: WorkerInput, index: number, readArtifact: ReadArtifactInput, onHashed: (sha256: string) => void): Promise<OpenedInput> =>
  input.kind === "artifact"
    ? Promise.resolve(openArtifactInput(input, (offset, length) => readArtifact(index, offset, length)))
    : openWorkerInput(input, onHashed)
