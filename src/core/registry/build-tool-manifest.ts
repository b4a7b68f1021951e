import { DEFAULT_TIMEOUT_MS } from "../config-defaults.js"
import { builtinTools } from "../tools/builtin.js"
import { VERSION } from "../version.js"
import { listToolInfos } from "./list-tool-infos.js"
import type { ToolManifest } from "./tool-manifest.js"

/** The manifest of the built-in tools, from the same registry code `capabilities` runs (so the two cannot differ). */
export const buildToolManifest = async (): Promise<ToolManifest> => {
  const own = new Map(builtinTools.map(def => [def.id, def.defaultTimeoutMs ?? null]))
  const infos = await listToolInfos({ defaultTimeoutMs: DEFAULT_TIMEOUT_MS })
  return { version: VERSION, defaultTimeoutMs: DEFAULT_TIMEOUT_MS, tools: infos.map(info => ({ ...info, defaultTimeoutMs: own.get(info.id) ?? null })) }
}
