import { readFile } from "node:fs/promises"
import { VERSION } from "../version.js"
import type { ToolInfo } from "./tool-registry.js"

/** File name of the manifest the build writes next to the bundles (dist/). */
export const TOOL_MANIFEST_FILE = "tool-manifest.json"

/** A built-in tool as the manifest stores it: its ToolInfo, with only the tool's own timeout (null: the configured default). */
export type ToolManifestEntry = Omit<ToolInfo, "defaultTimeoutMs"> & { readonly defaultTimeoutMs: number | null }

/** The built-in tools' capabilities, computed at build time from the real registry (see src/build/write-tool-manifest.ts). */
export interface ToolManifest {
  readonly version: string
  /** The default timeout of the build's config, for tools that set none. */
  readonly defaultTimeoutMs: number
  readonly tools: ReadonlyArray<ToolManifestEntry>
}

/** The capabilities a manifest describes, with `defaultTimeoutMs` for tools that set no timeout of their own. */
export const toolInfosOfManifest = (manifest: ToolManifest, defaultTimeoutMs = manifest.defaultTimeoutMs): ReadonlyArray<ToolInfo> =>
  manifest.tools.map(t => ({ ...t, defaultTimeoutMs: t.defaultTimeoutMs ?? defaultTimeoutMs }))

/** Reads the manifest at `url`; null when there is none (running from source) or it is not one. */
export const readToolManifest = async (url: URL): Promise<ToolManifest | null> => {
  try {
    const parsed = JSON.parse(await readFile(url, "utf8")) as Partial<ToolManifest>
    return typeof parsed.version === "string" && Array.isArray(parsed.tools) ? (parsed as ToolManifest) : null
  } catch {
    return null
  }
}

/**
 * The tools `capabilities` lists, without importing effect or the tools: read from the build's manifest
 * when only the built-in tools are registered. Extra tool modules, a missing manifest (running from
 * source) or one of another version fall back to the full registry (`listToolInfos`).
 */
export const loadToolInfos = async (
  options: { readonly extraToolModules?: ReadonlyArray<string>; readonly defaultTimeoutMs?: number } = {}
): Promise<ReadonlyArray<ToolInfo>> => {
  if ((options.extraToolModules ?? []).length === 0) {
    const manifest = await readToolManifest(new URL(`./${TOOL_MANIFEST_FILE}`, import.meta.url))
    if (manifest !== null && manifest.version === VERSION) return toolInfosOfManifest(manifest, options.defaultTimeoutMs)
  }
  return (await import("./list-tool-infos.js")).listToolInfos(options)
}
