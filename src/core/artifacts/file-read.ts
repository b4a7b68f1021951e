import { createReadStream } from "node:fs"
import path from "node:path"
import type { Readable } from "node:stream"
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
 * A file's bytes (optionally an inclusive range) as a Node Readable reading pieces of
 * `READ_CHUNK_BYTES`: piped to a socket it moves bytes without any per-chunk promise or copy.
 */
export const fileReadStream = (file: string, range?: ByteRange): Readable => openFile(file, range)
