import { Context, Effect, Either, JSONSchema, Layer, ParseResult, Schema } from "effect"
import { SystemError, ValidationError, type CtsError } from "../errors.js"
import { builtinTools } from "../tools/builtin.js"
import type { ToolDefinition } from "../tools/define-tool.js"
import { DEFAULT_TIMEOUT_MS } from "../config-defaults.js"
import { ToolRegistry, type ToolInfo, type ToolRegistryService } from "./tool-registry.js"
import { loadToolModule, toModuleUrl } from "./tool-modules.js"
import { clip, LISTED_AT_MOST, listFew } from "../util/list-few.js"

/** Where a worker thread finds a tool: the built-in list, or the module URL it was registered from. */
export interface ToolSourcesService {
  readonly moduleOf: (toolId: string) => string | null
}

export class ToolSources extends Context.Tag("cts/ToolSources")<ToolSources, ToolSourcesService>() {}

const unknownTool = (id: string, known: ReadonlyArray<string>) =>
  new ValidationError({
    code: "unknown_tool",
    message: `Unknown tool ${JSON.stringify(id)}. Available tools: ${known.join(", ") || "(none)"}`,
    suggestedAction: "Pick one of the listed tool ids (see capabilities)",
    details: { tool: id, validTools: known }
  })

const paramNamesOf = (jsonSchema: Record<string, unknown>): ReadonlyArray<string> => {
  const ref = typeof jsonSchema.$ref === "string" ? jsonSchema.$ref.split("/").pop() : undefined
  const defs = jsonSchema.$defs as Record<string, Record<string, unknown>> | undefined
  const target = ref && defs?.[ref] ? defs[ref] : jsonSchema
  return Object.keys((target.properties as Record<string, unknown> | undefined) ?? {})
}

/** A monitor needs a panda unless it can read a log or a simulated panda; analyzers read files only. */
const requiresHardware = (def: ToolDefinition): boolean => def.category === "monitor" && !(def.sources ?? ["panda"]).some(s => s === "log" || s === "simulate")

const infoOf = (def: ToolDefinition, defaultTimeoutMs: number): ToolInfo => {
  let paramsJsonSchema: Record<string, unknown>
  try {
    paramsJsonSchema = JSONSchema.make(def.params) as unknown as Record<string, unknown>
  } catch (e) {
    throw new SystemError({
      code: "invalid_tool",
      message: `Tool ${def.id}: its params schema has no JSON Schema form: ${(e as Error).message}`,
      suggestedAction: "Give every param a JSON-representable schema (add a jsonSchema annotation where needed)"
    })
  }
  return {
    id: def.id,
    name: def.name,
    description: def.description,
    category: def.category,
    version: def.version,
    paramsJsonSchema,
    inputs: def.inputs,
    outputs: def.outputs,
    defaultTimeoutMs: def.defaultTimeoutMs ?? defaultTimeoutMs,
    requiresHardware: requiresHardware(def),
    ...(def.category === "monitor" ? { sources: def.sources ?? ["panda"] } : {})
  }
}

/** Turns a params decoding failure into `unknown_param` / `invalid_param`, naming each bad param and listing the valid ones. */
const paramsError = (toolId: string, validParams: ReadonlyArray<string>, error: ParseResult.ParseError): ValidationError => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const unknown = issues.filter(i => i._tag === "Unexpected").map(i => clip(String(i.path[0] ?? "")))
  const valid = `Valid parameters: ${validParams.join(", ") || "(none)"}`
  if (unknown.length > 0) {
    return new ValidationError({
      code: "unknown_param",
      message: `Unknown parameter${unknown.length > 1 ? "s" : ""} ${listFew(unknown.map(u => JSON.stringify(u)))} for tool ${toolId}. ${valid}`,
      suggestedAction: "Remove or rename the unknown parameters",
      details: { tool: toolId, params: unknown.slice(0, LISTED_AT_MOST), unknown_count: unknown.length, validParams }
    })
  }
  const described = issues.map(i => clip(`${i.path.length ? `"${i.path.map(String).join(".")}"` : "params"}: ${i.message}`))
  return new ValidationError({
    code: "invalid_param",
    message: `Invalid parameter${issues.length > 1 ? "s" : ""} for tool ${toolId}: ${listFew(described, "; ")}. ${valid}`,
    suggestedAction: "Fix the parameter values to match the tool's params schema (see capabilities)",
    details: {
      tool: toolId,
      params: issues.slice(0, LISTED_AT_MOST).map(i => i.path.map(String).join(".")),
      validParams,
      issues: described.slice(0, LISTED_AT_MOST),
      issue_count: issues.length
    }
  })
}

/** Builds the registry service over a list of tools; fails on duplicate ids or unusable params schemas. */
export const makeToolRegistry = (
  tools: ReadonlyArray<{ readonly def: ToolDefinition; readonly moduleUrl: string | null }>,
  defaultTimeoutMs: number = DEFAULT_TIMEOUT_MS
) =>
  Effect.try({
    try: () => {
      const byId = new Map<string, { def: ToolDefinition; info: ToolInfo; moduleUrl: string | null }>()
      for (const { def, moduleUrl } of tools) {
        if (byId.has(def.id)) {
          throw new SystemError({ code: "duplicate_tool", message: `Two tools are registered with id ${JSON.stringify(def.id)}` })
        }
        byId.set(def.id, { def, info: infoOf(def, defaultTimeoutMs), moduleUrl })
      }
      return byId
    },
    catch: e => (e instanceof SystemError ? e : new SystemError({ code: "invalid_tool", message: String(e) }))
  }).pipe(
    Effect.map(byId => {
      const ids = [...byId.keys()]
      const entry = (id: string) => {
        const found = byId.get(id)
        return found ? Effect.succeed(found) : Effect.fail(unknownTool(id, ids))
      }
      const registry: ToolRegistryService = {
        list: Effect.succeed([...byId.values()].map(e => e.info)),
        get: id => Effect.map(entry(id), e => e.def),
        info: id => Effect.map(entry(id), e => e.info),
        decodeParams: (id, raw) =>
          Effect.flatMap(entry(id), ({ def, info }): Effect.Effect<Record<string, unknown>, CtsError> => {
            const validParams = paramNamesOf(info.paramsJsonSchema)
            if (raw !== undefined && raw !== null && (typeof raw !== "object" || Array.isArray(raw))) {
              return Effect.fail(
                new ValidationError({
                  code: "invalid_param",
                  message: `Params for tool ${id} must be an object of name → value. Valid parameters: ${validParams.join(", ") || "(none)"}`,
                  details: { tool: id, validParams }
                })
              )
            }
            const decoded = Schema.decodeUnknownEither(def.params, { onExcessProperty: "error", errors: "all" })(raw ?? {})
            return Either.isLeft(decoded) ? Effect.fail(paramsError(id, validParams, decoded.left)) : Effect.succeed(decoded.right as Record<string, unknown>)
          })
      }
      const sources: ToolSourcesService = { moduleOf: id => byId.get(id)?.moduleUrl ?? null }
      return Context.make(ToolRegistry, registry).pipe(Context.add(ToolSources, sources))
    })
  )

/**
 * ToolRegistry (and the ToolSources workers use) with the built-in tools plus the tools exported by `extraToolModules`
 * (paths or `file:` URLs; each module's default export and named exports that are tools).
 */
export const ToolRegistryLive = (
  extraToolModules: ReadonlyArray<string> = [],
  defaultTimeoutMs: number = DEFAULT_TIMEOUT_MS
): Layer.Layer<ToolRegistry | ToolSources, CtsError> =>
  Layer.effectContext(
    Effect.gen(function* () {
      const extras: Array<{ def: ToolDefinition; moduleUrl: string | null }> = []
      for (const spec of extraToolModules) {
        const url = toModuleUrl(spec)
        const defs = yield* Effect.tryPromise({
          try: () => loadToolModule(url),
          catch: e =>
            new SystemError({
              code: "tool_module_failed",
              message: `Cannot load tool module ${spec}: ${(e as Error).message}`,
              suggestedAction: "Check the path and that the module is plain JavaScript (built), exporting tool definitions"
            })
        })
        if (defs.length === 0) {
          return yield* new SystemError({ code: "tool_module_empty", message: `Tool module ${spec} exports no tool definitions` })
        }
        for (const def of defs) extras.push({ def, moduleUrl: url })
      }
      return yield* makeToolRegistry([...builtinTools.map(def => ({ def, moduleUrl: null })), ...extras], defaultTimeoutMs)
    })
  )
