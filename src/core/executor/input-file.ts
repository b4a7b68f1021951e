import { createHash } from "node:crypto"
import { constants } from "node:fs"
import { open, readlink, type FileHandle } from "node:fs/promises"
import { fsError } from "../artifacts/fs-errors.js"
import { ToolError, ValidationError } from "../errors.js"
import type { ResolvedInput } from "../tools/define-tool.js"
import { identityChanges, identityOf, isWithinRoots } from "./input-identity.js"
import type { WorkerInput } from "./worker-protocol.js"

/** Bytes per read a tool's stream gets (as the former read streams). */
const READ_BYTES = 256 * 1024
/** Bytes per read when finishing the hash of a part no tool read. */
const DIGEST_BYTES = 1 << 20

/** A run input opened once by the worker: every read of the tool goes through this one descriptor. */
export interface OpenedInput extends ResolvedInput {
  readonly close: () => Promise<void>
}

const changed = (input: WorkerInput, why: string, details: Record<string, unknown> = {}) =>
  new ValidationError({
    code: "input_changed",
    message: `Input ${JSON.stringify(input.name)} changed after the run was submitted: ${why}`,
    suggestedAction: "Leave input files in place and unchanged until their runs finish, then submit again",
    details: { input: input.name, ...details }
  })

const openFlags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK

const openChecked = async (input: WorkerInput): Promise<FileHandle> => {
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
 * Opens a run input once (no symlink followed at the last step, never blocking on a FIFO), checks
 * the descriptor against the identity recorded at submit and, on Linux, that its real path is still
 * under the input roots, then serves every read of the tool through it. A path input is hashed as
 * the tool reads it: each byte once, however often or however far the tool reads; `digest` hashes
 * only the part no read has covered yet. `onHashed` is called once, when the hash reaches the end.
 * Reads stop at the size recorded at submit; a file that got shorter fails with `input_changed`.
 */
export const openWorkerInput = async (input: WorkerInput, onHashed: (sha256: string) => void): Promise<OpenedInput> => {
  const fh = await openChecked(input)
  const size = input.identity.size
  const hash = input.sha256 === null ? createHash("sha256") : null
  let sha256 = input.sha256
  let hashedTo = 0

  const advance = (pos: number, chunk: Uint8Array) => {
    if (!hash || sha256 !== null) return
    const end = pos + chunk.byteLength
    if (pos <= hashedTo && end > hashedTo) {
      hash.update(chunk.subarray(hashedTo - pos))
      hashedTo = end
    }
    if (hashedTo >= size) {
      sha256 = hash.digest("hex")
      onHashed(sha256)
    }
  }
  if (size === 0) advance(0, new Uint8Array(0))

  const readAt = async (pos: number, length: number): Promise<Uint8Array> => {
    const buffer = Buffer.allocUnsafeSlow(length)
    const { bytesRead } = await fh.read(buffer, 0, length, pos).catch(e => Promise.reject(fsError(`Reading input ${input.name}`)(e)))
    if (bytesRead === 0) {
      throw new ToolError({
        code: "input_changed",
        message: `Input ${JSON.stringify(input.name)} got shorter while the run read it (${pos} of ${size} bytes)`,
        suggestedAction: "Leave input files unchanged until their runs finish, then submit again",
        details: { input: input.name, offset: pos, size }
      })
    }
    const chunk = buffer.subarray(0, bytesRead)
    advance(pos, chunk)
    return chunk
  }

  return {
    name: input.name,
    size,
    get sha256() {
      return sha256
    },
    open: () => ({
      [Symbol.asyncIterator]: async function* () {
        for (let pos = 0; pos < size; ) {
          const chunk = await readAt(pos, Math.min(READ_BYTES, size - pos))
          pos += chunk.byteLength
          yield chunk
        }
      }
    }),
    digest: async () => {
      while (sha256 === null) await readAt(hashedTo, Math.min(DIGEST_BYTES, size - hashedTo))
      return sha256
    },
    close: () => fh.close()
  }
}
