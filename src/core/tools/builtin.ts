import type { ToolDefinition } from "./define-tool.js"

/** Every tool that ships with cts-lite, in the order `capabilities` lists them. */
export const builtinTools: ReadonlyArray<ToolDefinition> = []
