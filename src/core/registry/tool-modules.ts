import path from "node:path"
import { pathToFileURL } from "node:url"
import { Schema } from "effect"
import type { ToolDefinition } from "../tools/define-tool.js"

/** True when `u` has the shape of a tool definition (id, run function, params schema). */
export const isToolDefinition = (u: unknown): u is ToolDefinition =>
  typeof u === "object" &&
  u !== null &&
  typeof (u as ToolDefinition).id === "string" &&
  typeof (u as ToolDefinition).run === "function" &&
  Schema.isSchema((u as ToolDefinition).params)

/**
 * The tools a module exports: its default export (one tool or an array of tools) and every named
 * export that is a tool or an array of tools, de-duplicated.
 */
export const toolsOfModule = (mod: Record<string, unknown>): ReadonlyArray<ToolDefinition> => {
  const found = new Set<ToolDefinition>()
  const add = (value: unknown) => {
    if (isToolDefinition(value)) found.add(value)
    else if (Array.isArray(value)) value.filter(isToolDefinition).forEach(t => found.add(t))
  }
  add(mod.default)
  for (const [name, value] of Object.entries(mod)) if (name !== "default") add(value)
  return [...found]
}

/** A tool module reference as an importable URL: `file:`/`data:` URLs are kept, paths are resolved against the cwd. */
export const toModuleUrl = (spec: string): string => (/^(file|data):/.test(spec) ? spec : pathToFileURL(path.resolve(spec)).href)

/** Imports a tool module and returns its tools. */
export const loadToolModule = async (url: string): Promise<ReadonlyArray<ToolDefinition>> => toolsOfModule((await import(url)) as Record<string, unknown>)
