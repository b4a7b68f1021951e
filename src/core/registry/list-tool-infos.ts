import { Context, Effect, Either, Layer } from "effect"
import { DEFAULT_TIMEOUT_MS } from "../config-defaults.js"
import { ToolRegistry, type ToolInfo } from "./tool-registry.js"
import { ToolRegistryLive } from "./tool-registry-live.js"

/**
 * The tools `capabilities` lists, built from the tool registry alone: no runtime, no SQLite, no worker
 * threads (what `cts cap` needs). Rejects with the registry's CtsError.
 */
export const listToolInfos = async (
  options: { readonly extraToolModules?: ReadonlyArray<string>; readonly defaultTimeoutMs?: number } = {}
): Promise<ReadonlyArray<ToolInfo>> => {
  const layer = ToolRegistryLive(options.extraToolModules ?? [], options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS)
  const listed = Effect.scoped(Effect.flatMap(Layer.build(layer), context => Context.get(context, ToolRegistry).list))
  const result = await Effect.runPromise(Effect.either(listed))
  if (Either.isLeft(result)) throw result.left
  return result.right
}
