import { MAX_WINDOW_LOG } from "./zstd-frame-header.js"
import { type NativeStep, type ZstdEngineFactory, nativeEngine } from "./zstd-engine.js"

interface ZlibHandle {
  writeSync(flush: number, src: Uint8Array, srcOff: number, srcLen: number, dst: Uint8Array, dstOff: number, dstLen: number): void
  onerror: (message: string, errno: number, code?: string) => void
}
interface ZlibStream {
  readonly _handle: ZlibHandle
  readonly _writeState: Uint32Array
  readonly _defaultFlushFlag: number
}
interface ZlibZstd {
  createZstdDecompress?: (options: { params: Record<number, number> }) => unknown
  constants: Record<string, number>
}

const importOptional = async <T>(specifier: string): Promise<T | undefined> => {
  try {
    return (await import(/* @vite-ignore */ specifier)) as T
  } catch {
    return undefined
  }
}

/**
 * libzstd inside Node (`node:zlib`, Node ≥ 22.15), driven synchronously through the stream's handle
 * the way `zlib.zstdDecompressSync` drives it, so the reader keeps its bounded push/pull loop.
 */
export const loadZlibEngine = async (): Promise<ZstdEngineFactory | undefined> => {
  const zlib = await importOptional<ZlibZstd>("node:zlib")
  const create = zlib?.createZstdDecompress
  if (zlib === undefined || typeof create !== "function") return undefined
  const windowParam = zlib.constants.ZSTD_d_windowLogMax
  return nativeEngine((): NativeStep => {
    const stream = create({ params: { [windowParam]: MAX_WINDOW_LOG } }) as ZlibStream
    const handle = stream._handle
    const state = stream._writeState
    let failure: Error | undefined
    handle.onerror = (message, _errno, code) => {
      failure = Object.assign(new Error(message), { code })
    }
    return (src, dst) => {
      handle.writeSync(stream._defaultFlushFlag, src, 0, src.length, dst, 0, dst.length)
      if (failure) throw failure
      return [dst.length - state[0], src.length - state[1]]
    }
  })
}

interface NapiBinding {
  DCtx: new () => {
    decompressStream(dst: Uint8Array, src: Uint8Array): [number, number, number]
    setParameter(param: number, value: number): void
  }
  DParameter: { windowLogMax: number }
}

/** libzstd through the optional `zstd-napi` addon (its low-level `DCtx.decompressStream`). */
export const loadNapiEngine = async (): Promise<ZstdEngineFactory | undefined> => {
  const mod = await importOptional<{ default?: NapiBinding } & NapiBinding>("zstd-napi/binding.js")
  const binding = mod?.default ?? mod
  if (binding === undefined || typeof binding.DCtx !== "function") return undefined
  return nativeEngine((): NativeStep => {
    const dctx = new binding.DCtx()
    dctx.setParameter(binding.DParameter.windowLogMax, MAX_WINDOW_LOG)
    return (src, dst) => {
      const [, produced, consumed] = dctx.decompressStream(dst, src)
      return [produced, consumed]
    }
  })
}
