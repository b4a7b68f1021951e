import { createReadStream } from "node:fs"

/**
 * Node-only helper (the one file of src/core/log that uses node:fs): a log file on disk as a
 * byte source for `openLog`. The file is opened when iteration starts and closed when it ends or stops early.
 */
export const fileSource = (path: string, options: { readonly highWaterMark?: number } = {}): AsyncIterable<Uint8Array> => ({
  [Symbol.asyncIterator]: () => createReadStream(path, { highWaterMark: options.highWaterMark ?? 1 << 16 })[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>
})

/** A route's segment files, in order, as one LogSource for `openLog`. */
export const routeSource = (paths: ReadonlyArray<string>, options: { readonly highWaterMark?: number } = {}): ReadonlyArray<AsyncIterable<Uint8Array>> =>
  paths.map(p => fileSource(p, options))
