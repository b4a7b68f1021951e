import { Decompress } from "fzstd"
import xxhash from "xxhash-wasm"
import type { ZstdEngineFactory } from "./zstd-engine.js"

type XxhashApi = Awaited<ReturnType<typeof xxhash>>

let xxhashApi: Promise<XxhashApi> | undefined
/** Loads the XXH64 implementation (WebAssembly) once. */
export const loadXxhash = (): Promise<XxhashApi> => (xxhashApi ??= xxhash())

const EMPTY = new Uint8Array(0)

/**
 * The pure-JavaScript engine (browsers, or where no native zstd loads): fzstd decodes, one `Decompress`
 * per frame, and xxhash-wasm checks the XXH64 content checksum, which fzstd skips.
 */
export const fzstdEngine = async (): Promise<ZstdEngineFactory> => {
  const xxh = await loadXxhash()
  return emit => {
    let fz: Decompress | undefined
    let hasher: ReturnType<XxhashApi["create64"]> | undefined
    return {
      begin(header, frame) {
        hasher = frame.hasChecksum ? xxh.create64() : undefined
        fz = new Decompress(data => {
          if (data.length === 0) return
          hasher?.update(data)
          emit(data)
        })
        fz.push(header)
      },
      push: bytes => fz!.push(bytes),
      end(checksum) {
        if (checksum) fz!.push(checksum)
        fz!.push(EMPTY, true)
        fz = undefined
        if (checksum === undefined || hasher === undefined) return undefined
        const expected = (checksum[0] | (checksum[1] << 8) | (checksum[2] << 16) | (checksum[3] << 24)) >>> 0
        const computed = Number(hasher.digest() & 0xffffffffn)
        hasher = undefined
        return computed === expected ? undefined : { computed }
      }
    }
  }
}
