import type { ZstdDecoderKind, ZstdEngineFactory } from "./zstd-engine.js"
import { fzstdEngine } from "./zstd-fzstd-engine.js"
import { loadNapiEngine, loadZlibEngine } from "./zstd-native-engines.js"

/** Every zstd decoder kind, in the order they are tried. */
export const ZSTD_DECODER_KINDS: ReadonlyArray<ZstdDecoderKind> = ["zlib", "napi", "fzstd"]

const loaders: Record<ZstdDecoderKind, () => Promise<ZstdEngineFactory | undefined>> = {
  zlib: loadZlibEngine,
  napi: loadNapiEngine,
  fzstd: fzstdEngine
}

const loaded = new Map<ZstdDecoderKind, Promise<ZstdEngineFactory | undefined>>()

/** The engine of one kind, or undefined when it cannot load here (Node < 22.15 for zlib, no addon for napi). */
export const loadZstdEngine = (kind: ZstdDecoderKind): Promise<ZstdEngineFactory | undefined> => {
  let p = loaded.get(kind)
  if (p === undefined) loaded.set(kind, (p = loaders[kind]()))
  return p
}

const forcedKind = (): ZstdDecoderKind | undefined => {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.CTS_ZSTD_DECODER
  if (value === undefined || value === "" || value === "auto") return undefined
  if ((ZSTD_DECODER_KINDS as ReadonlyArray<string>).includes(value)) return value as ZstdDecoderKind
  throw new Error(`CTS_ZSTD_DECODER=${value} is not one of ${ZSTD_DECODER_KINDS.join(", ")}, auto`)
}

/**
 * The zstd engine to use: `CTS_ZSTD_DECODER` (zlib, napi, fzstd) when set, else the first that loads of
 * node:zlib (Node ≥ 22.15), zstd-napi, fzstd. A forced kind that cannot load is an error.
 */
export const chooseZstdEngine = async (): Promise<{ readonly kind: ZstdDecoderKind; readonly factory: ZstdEngineFactory }> => {
  const forced = forcedKind()
  for (const kind of forced ? [forced] : ZSTD_DECODER_KINDS) {
    const factory = await loadZstdEngine(kind)
    if (factory) return { kind, factory }
  }
  throw new Error(`CTS_ZSTD_DECODER=${forced}: that zstd decoder cannot load in this runtime`)
}
