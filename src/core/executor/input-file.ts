import { constants } from "node:fs"
import { open, readlink, type FileHandle } from "node:fs/promises"
import { fsError } from "../artifacts/fs-errors.js"
import { ValidationError } from "../errors.js"
import { identityChanges, identityOf, isWithinRoots } from "./input-identity.js"
import { rangedInput, type OpenedInput } from "./ranged-input.js"
import type { PathWorkerInput } from "./worker-protocol.js"

export type { OpenedInput } from "./ranged-input.js"

const changed = (input: PathWorkerInput, why: string, details: Record<string, unknown> = {}) =>
  new ValidationError({
    code: "input_changed",
    message: `Input ${JSON.stringify(input.name)} changed after the run was submitted: ${why}`,
    suggestedAction: "Leave input files in place and unchanged until their runs finish, then submit again",
    details: { input: input.name, ...details }
  })

const openFlags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK

const openChecked = async (input: PathWorkerInput): Promise<FileHandle> => {
  let fh: FileHandle
  try {
    fh = await open(input.path, openFlags)
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code
    if (errno === "ELOOP") throw changed(input, "the path is now a symbolic link")
    if (errno === "ENOENT" || errno === "ENOTDIR") throw changed(input, "the file is gone")
    throw fsError(`Opening input ${input.name}`)(e)
  }
  try {
    const info = await fh.stat()
    if (!info.isFile()) throw changed(input, "it is no longer a regular file")
    const differs = identityChanges(input.identity, identityOf(info))
    if (differs.length > 0) throw changed(input, `its ${differs.join(", ")} differ from what was checked at submit`, { changed: differs })
    if (input.roots && process.platform === "linux") {
      const real = await readlink(`/proc/self/fd/${fh.fd}`)
      if (!isWithinRoots(input.roots, real)) {
        throw new ValidationError({
          code: "path_not_allowed",
          message: `Input ${JSON.stringify(input.name)} now resolves outside the allowed input roots`,
          suggestedAction: "Use a file under one of the configured input roots (CTS_INPUT_ROOTS), and leave it in place until the run finishes",
          details: { input: input.name }
        })
      }
    }
    return fh
  } catch (e) {
    await fh.close()
    throw e
  }
}

/**
 * Opens a path input once (no symlink followed at the last step, never blocking on a FIFO), checks
 * the descriptor against the identity recorded at submit and, on Linux, that its real path is still
 * under the input roots, then serves every read of the tool through it (see `rangedInput`: hashed as
 * read, reads stop at the size recorded at submit, a file that got shorter fails with `input_changed`).
 */
export const openWorkerInput = async (input: PathWorkerInput, onHashed: (sha256: string) => void): Promise<OpenedInput> => {
  const fh = await openChecked(input)
  const readAt = async (pos: number, length: number): Promise<Uint8Array> => {
    const buffer = Buffer.allocUnsafeSlow(length)
    const { bytesRead } = await fh.read(buffer, 0, length, pos).catch(e => Promise.reject(fsError(`Reading input ${input.name}`)(e)))
    return buffer.subarray(0, bytesRead)
  }
  return rangedInput({ name: input.name, size: input.identity.size, sha256: input.sha256 }, { readAt, close: () => fh.close() }, onHashed)
}
