import { createReadStream } from "node:fs"
import type { Readable } from "node:stream"
import { Effect, Stream } from "effect"
import { ZipFile } from "yazl"
import type { CtsError } from "../errors.js"
import { isSafeName, safeFileName } from "./artifact-keys.js"
import { fsError } from "./fs-errors.js"

/** One file to put in a ZIP. */
export interface ZipEntry {
  readonly name: string
  /** A local file, or `open` for bytes from elsewhere (called when the archive reaches the entry). */
  readonly file?: string
  readonly open?: () => Promise<Readable>
  readonly size: number
  readonly mtime: Date
}

/**
 * The entries as a ZIP archive, produced as it is read: each file is opened only when the archive
 * reaches it and flows through with back-pressure, so nothing is held in memory beyond a few chunks.
 * Entry names are flat safe file names (an unsafe one is cleaned), so no entry can extract outside
 * the directory it is unpacked into.
 */
export const zipStream = (entries: ReadonlyArray<ZipEntry>): Stream.Stream<Uint8Array, CtsError> =>
  Stream.suspend(() => {
    const opened: Array<Readable> = []
    const zip = new ZipFile()
    const used = new Set<string>()
    for (const entry of entries) {
      const base = isSafeName(entry.name) ? entry.name : safeFileName(entry.name)
      let name = base
      for (let i = 2; used.has(name); i++) name = `${i}-${base}`
      used.add(name)
      zip.addReadStreamLazy(name, { mtime: entry.mtime, size: entry.size }, cb => {
        const opening = entry.open ? entry.open() : Promise.resolve(createReadStream(entry.file!, { highWaterMark: 64 * 1024 }))
        opening.then(
          stream => {
            opened.push(stream)
            cb(null, stream)
          },
          (e: Error) => cb(e, undefined as never)
        )
      })
    }
    zip.end()
    return Stream.fromAsyncIterable(zip.outputStream as AsyncIterable<Buffer>, fsError("Building a ZIP bundle")).pipe(
      Stream.ensuring(Effect.sync(() => opened.forEach(s => s.destroy())))
    )
  })
