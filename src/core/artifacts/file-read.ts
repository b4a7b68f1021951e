import { createReadStream } from "node:fs"
import { open, type FileHandle } from "node:fs/promises"
import path from "node:path"
import { Stream } from "effect"
import type { CtsError } from "../errors.js"
import type { ByteRange } from "./artifact-store.js"
import { fsError } from "./fs-errors.js"

/** Bytes per file read when serving artifacts: large reads keep the per-chunk overhead small. */
export const READ_CHUNK_BYTES = 1024 * 1024

const openFile = (file: string, range?: ByteRange) =>
  createReadStream(file, { highWaterMark: READ_CHUNK_BYTES, ...(range ? { start: range.start, end: range.end } : {}) })

/** A file's bytes (optionally an inclusive range) as a lazily opened stream. */
export const fileStream = (file: string, range?: ByteRange): Stream.Stream<Uint8Array, CtsError> =>
  Stream.suspend(() => Stream.fromAsyncIterable(openFile(file, range) as AsyncIterable<Buffer>, fsError(`Reading ${path.basename(file)}`)))

/**
 * A file's bytes (optionally an inclusive range) as a web ReadableStream: each pull reads the next
 * piece of up to `READ_CHUNK_BYTES` into a fresh buffer that is handed on as is (no copy), one piece read ahead.
 */
export const fileReadableStream = (file: string, range?: ByteRange): ReadableStream<Uint8Array> => {
  let handle: FileHandle | null = null
  let position = range?.start ?? 0
  const end = range ? range.end + 1 : Infinity
  const closeFile = async () => {
    const h = handle
    handle = null
    await h?.close().catch(() => undefined)
  }
  return new ReadableStream<Uint8Array>({
    start: async () => {
      handle = await open(file, "r")
    },
    pull: async (controller) => {
      const want = Math.min(READ_CHUNK_BYTES, end - position)
      const { bytesRead, buffer } = want > 0 ? await handle!.read(Buffer.allocUnsafeSlow(want), 0, want, position) : { bytesRead: 0, buffer: null }
      if (bytesRead === 0) {
        await closeFile()
        return controller.close()
      }
      position += bytesRead
      controller.enqueue(bytesRead === buffer!.length ? buffer! : buffer!.subarray(0, bytesRead))
    },
    cancel: closeFile
  })
}
