import { constants, createWriteStream, unlinkSync } from "node:fs"
import { access, copyFile, link, mkdir, rename, unlink } from "node:fs/promises"
import { basename, dirname, join } from "node:path"
import { pipeline } from "node:stream/promises"
import { Readable } from "node:stream"
import { randomBytes } from "node:crypto"
import { storeError, usageError } from "./cli-error.js"

export { safeFileName } from "../core/util/safe-file-name.js"

const exists = async (path: string): Promise<boolean> => {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}

/** Fails with a usage error naming every path that exists, unless `force`. */
export const refuseOverwrite = async (paths: ReadonlyArray<string>, force: boolean): Promise<void> => {
  if (force) return
  const taken: Array<string> = []
  for (const p of paths) if (await exists(p)) taken.push(p)
  if (taken.length > 0) {
    throw usageError("would_overwrite", `Refusing to overwrite ${taken.join(", ")}`, "Pass --force to overwrite, or choose another output location.", {
      paths: taken
    })
  }
}

const partFiles = new Set<string>()
let cleanupInstalled = false
/** Removes temp files a Ctrl-C or an error exit left half-written. */
const trackPart = (temp: string): void => {
  partFiles.add(temp)
  if (cleanupInstalled) return
  cleanupInstalled = true
  process.on("exit", () => {
    for (const p of partFiles) {
      try {
        unlinkSync(p)
      } catch {
        // already moved into place or removed
      }
    }
  })
}

/**
 * Streams `body` to `path` through a temp file in the same directory, then moves it in place:
 * readers never see a partial file, and without `force` an existing file is never replaced
 * (checked atomically: a hard link, or an exclusive copy where links are not supported).
 */
export const writeFileSafely = async (path: string, body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, force: boolean): Promise<void> => {
  const dir = dirname(path)
  try {
    await mkdir(dir, { recursive: true })
  } catch (error) {
    throw storeError("output_dir_unwritable", `Cannot create ${dir}: ${(error as Error).message}`, "Choose a writable output location.")
  }
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString("hex")}.part`)
  trackPart(temp)
  try {
    await pipeline(Readable.from(body), createWriteStream(temp, { flags: "wx" }))
    if (force) {
      await rename(temp, path)
    } else {
      try {
        await link(temp, path)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (code === "EEXIST") {
          throw usageError("would_overwrite", `Refusing to overwrite ${path}`, "Pass --force to overwrite, or choose another output location.", {
            paths: [path]
          })
        }
        if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EXDEV") throw error
        await copyFile(temp, path, constants.COPYFILE_EXCL).catch((copyError: NodeJS.ErrnoException) => {
          if (copyError.code !== "EEXIST") throw copyError
          throw usageError("would_overwrite", `Refusing to overwrite ${path}`, "Pass --force to overwrite, or choose another output location.", {
            paths: [path]
          })
        })
      }
      await unlink(temp)
    }
    partFiles.delete(temp)
  } catch (error) {
    await unlink(temp).catch(() => {})
    partFiles.delete(temp)
    if (error instanceof Error && error.name === "CliError") throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === "EACCES" || code === "ENOSPC" || code === "EROFS" || code === "EPERM") {
      throw storeError("output_unwritable", `Cannot write ${path}: ${(error as Error).message}`, "Choose a writable output location with enough space.")
    }
    throw error
  }
}
