import { createHash } from "node:crypto"
import { ToolError } from "../errors.js"
import type { ResolvedInput } from "../tools/define-tool.js"

/** Bytes per read a tool's stream gets by default (as the former read streams). */
const READ_BYTES = 256 * 1024
/** Bytes per read when finishing the hash of a part no tool read. */
const DIGEST_BYTES = 1 << 20

/** A run input as a tool sees it, plus `close` for the runner. */
export interface OpenedInput extends ResolvedInput {
  readonly close: () => Promise<void>
}

/** What a ranged input is read from: up to `length` bytes at `pos` (fewer only at the end), and how it is released. */
export interface RangedSource {
  readonly readAt: (pos: number, length: number) => Promise<Uint8Array>
  readonly close: () => Promise<void>
  /** Bytes per read of the tool's streams (default 256 KiB). */
  readonly readBytes?: number
}

/**
 * A ResolvedInput over positional reads of `size` bytes (a checked file descriptor, or an artifact read
 * through the store). An input without a known sha256 is hashed as the tool reads it: each byte once,
 * however often or however far the tool reads; `digest` hashes only the part no read has covered yet,
 * and `onHashed` is called once, when the hash reaches the end. A read that finds no bytes before
 * `size` fails with `input_changed` (the input got shorter).
 */
export const rangedInput = (
  input: { readonly name: string; readonly size: number; readonly sha256: string | null },
  source: RangedSource,
  onHashed: (sha256: string) => void
): OpenedInput => {
  const size = input.size
  const readBytes = source.readBytes ?? READ_BYTES
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
    const chunk = await source.readAt(pos, length)
    if (chunk.byteLength === 0) {
      throw new ToolError({
        code: "input_changed",
        message: `Input ${JSON.stringify(input.name)} got shorter while the run read it (${pos} of ${size} bytes)`,
        suggestedAction: "Leave inputs unchanged until their runs finish, then submit again",
        details: { input: input.name, offset: pos, size }
      })
    }
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
          const chunk = await readAt(pos, Math.min(readBytes, size - pos))
          pos += chunk.byteLength
          yield chunk
        }
      }
    }),
    digest: async () => {
      while (sha256 === null) await readAt(hashedTo, Math.min(DIGEST_BYTES, size - hashedTo))
      return sha256
    },
    close: source.close
  }
}
