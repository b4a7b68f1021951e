import { Context } from "effect"
import type { Effect } from "effect"
import type { CtsError } from "../errors.js"
import type { MonitorSourceKind, ToolDefinition, ToolInputSpec, ToolOutputSpec } from "../tools/define-tool.js"

/** A tool as `capabilities` shows it: metadata plus params as JSON Schema. */
export interface ToolInfo {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly category: "analyzer" | "monitor"
  readonly version: string
  readonly paramsJsonSchema: Record<string, unknown>
  readonly inputs: ReadonlyArray<ToolInputSpec>
  readonly outputs: ReadonlyArray<ToolOutputSpec>
  readonly defaultTimeoutMs: number
  /** True when the tool cannot run without a panda (a monitor whose sources are only `panda`). */
  readonly requiresHardware: boolean
  /** Monitors: the sources it accepts. */
  readonly sources?: ReadonlyArray<MonitorSourceKind>
}

export interface ToolRegistryService {
  readonly list: Effect.Effect<ReadonlyArray<ToolInfo>>
  readonly get: (id: string) => Effect.Effect<ToolDefinition, CtsError>
  readonly info: (id: string) => Effect.Effect<ToolInfo, CtsError>
  /** Decodes raw params with the tool's schema (defaults applied); unknown or ill-typed params fail with a validation_error naming them. */
  readonly decodeParams: (id: string, raw: unknown) => Effect.Effect<Record<string, unknown>, CtsError>
}

export class ToolRegistry extends Context.Tag("cts/ToolRegistry")<ToolRegistry, ToolRegistryService>() {}
