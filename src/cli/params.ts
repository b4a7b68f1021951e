import { usageError } from "./cli-error.js"

type JsonSchema = Record<string, unknown>

/** One param as `cts cap` shows it and `-p` parses it. */
export interface ParamSpec {
  readonly name: string
  /** Resolved schema of the value (`$ref`s inlined). */
  readonly schema: JsonSchema
  readonly required: boolean
  readonly description: string | undefined
  readonly default: unknown
  /** A short type label: `number`, `integer`, `boolean`, `string`, `a|b|c`, `integer[]`, … */
  readonly type: string
}

const isObject = (u: unknown): u is JsonSchema => typeof u === "object" && u !== null && !Array.isArray(u)

/** Inlines `#/$defs/…` references and merges `allOf` parts (the schema's own keys win). */
const resolveRef = (schema: JsonSchema, root: JsonSchema, depth = 0): JsonSchema => {
  if (depth > 16) return schema
  let base: JsonSchema = {}
  const ref = schema.$ref
  if (typeof ref === "string") {
    const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref)
    const defs = match ? root[match[1]!] : undefined
    const target = match && isObject(defs) ? defs[decodeURIComponent(match[2]!)] : undefined
    if (isObject(target)) base = resolveRef(target, root, depth + 1)
  }
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf) if (isObject(part)) base = { ...base, ...resolveRef(part, root, depth + 1) }
  }
  const { $ref: _ref, allOf: _allOf, ...own } = schema
  return { ...base, ...own }
}

const branches = (schema: JsonSchema, root: JsonSchema): ReadonlyArray<JsonSchema> => {
  const list = schema.anyOf ?? schema.oneOf
  return Array.isArray(list) ? list.filter(isObject).map(b => resolveRef(b, root)) : []
}

const typeLabel = (schema: JsonSchema, root: JsonSchema): string => {
  if (Array.isArray(schema.enum)) return schema.enum.map(v => String(v)).join("|")
  if ("const" in schema) return String(schema.const)
  const alts = branches(schema, root)
  if (alts.length > 0) return alts.map(b => typeLabel(b, root)).join("|")
  if (schema.type === "array") {
    const items = isObject(schema.items) ? resolveRef(schema.items, root) : {}
    return `${typeLabel(items, root)}[]`
  }
  return typeof schema.type === "string" ? schema.type : Array.isArray(schema.type) ? schema.type.join("|") : "any"
}

/** The params of a tool's JSON Schema (an object schema as `capabilities` gives it). */
export const paramSpecs = (paramsSchema: JsonSchema): ReadonlyArray<ParamSpec> => {
  const root = paramsSchema
  const top = resolveRef(root, root)
  const props = isObject(top.properties) ? top.properties : {}
  const required = new Set(Array.isArray(top.required) ? top.required.map(String) : [])
  return Object.entries(props).map(([name, raw]) => {
    const schema = resolveRef(isObject(raw) ? raw : {}, root)
    return {
      name,
      schema,
      required: required.has(name),
      description: typeof schema.description === "string" ? schema.description : undefined,
      default: schema.default,
      type: typeLabel(schema, root)
    }
  })
}

type Coerced = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly expected: string }

const coerceScalar = (text: string, schema: JsonSchema, root: JsonSchema): Coerced => {
  const fail = { ok: false, expected: typeLabel(schema, root) } as const
  if (Array.isArray(schema.enum)) {
    const hit = schema.enum.find(v => String(v) === text)
    return hit === undefined ? fail : { ok: true, value: hit }
  }
  if ("const" in schema) return String(schema.const) === text ? { ok: true, value: schema.const } : fail
  const alts = branches(schema, root)
  if (alts.length > 0) {
    for (const alt of alts) {
      const r = coerceScalar(text, alt, root)
      if (r.ok) return r
    }
    return fail
  }
  switch (schema.type) {
    case "integer":
    case "number": {
      const trimmed = text.trim()
      const value = /^[+-]?0x[0-9a-f]+$/i.test(trimmed) ? Number.parseInt(trimmed, 16) : trimmed === "" ? Number.NaN : Number(trimmed)
      if (!Number.isFinite(value)) return fail
      if (schema.type === "integer" && !Number.isInteger(value)) return fail
      if (typeof schema.minimum === "number" && value < schema.minimum) return { ok: false, expected: `${fail.expected} >= ${schema.minimum}` }
      if (typeof schema.maximum === "number" && value > schema.maximum) return { ok: false, expected: `${fail.expected} <= ${schema.maximum}` }
      return { ok: true, value }
    }
    case "boolean": {
      const t = text.trim().toLowerCase()
      if (["true", "1", "yes", "on"].includes(t)) return { ok: true, value: true }
      if (["false", "0", "no", "off"].includes(t)) return { ok: true, value: false }
      return { ok: false, expected: "boolean (true|false)" }
    }
    case "null":
      return text === "null" ? { ok: true, value: null } : fail
    case "string":
      return { ok: true, value: text }
    default:
      return { ok: true, value: text }
  }
}

const listNames = (specs: ReadonlyArray<ParamSpec>): string =>
  specs.length === 0 ? "(this tool takes no params)" : specs.map(s => `${s.name} (${s.type})`).join(", ")

/**
 * Turns `key=value` strings into typed params using the tool's JSON Schema: numbers, integers,
 * booleans, enums, unions, and arrays (comma-separated or repeated). Unknown or ill-typed params
 * fail with a usage error that names the param and lists the valid ones.
 */
export const parseParams = (toolId: string, paramsSchema: JsonSchema, pairs: ReadonlyArray<string>): Record<string, unknown> => {
  const specs = paramSpecs(paramsSchema)
  const byName = new Map(specs.map(s => [s.name, s]))
  const result: Record<string, unknown> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf("=")
    if (eq <= 0) {
      throw usageError("invalid_param_syntax", `-p "${pair}" is not key=value`, `Write it as -p name=value. Params of ${toolId}: ${listNames(specs)}.`, {
        param: pair
      })
    }
    const name = pair.slice(0, eq).trim()
    const text = pair.slice(eq + 1)
    const spec = byName.get(name)
    if (!spec) {
      throw usageError("unknown_param", `Unknown param "${name}" for ${toolId}`, `Valid params: ${listNames(specs)}.`, {
        param: name,
        valid: specs.map(s => s.name)
      })
    }
    const bad = (expected: string, value: string): never => {
      throw usageError("invalid_param", `Param "${name}" of ${toolId} expects ${expected}, got "${value}"`, `Valid params: ${listNames(specs)}.`, {
        param: name,
        expected,
        got: value
      })
    }
    if (spec.schema.type === "array") {
      const items = isObject(spec.schema.items) ? resolveRef(spec.schema.items, paramsSchema) : {}
      const parts = text
        .split(",")
        .map(p => p.trim())
        .filter(p => p.length > 0)
      const previous = Array.isArray(result[name]) ? (result[name] as Array<unknown>) : []
      const values = parts.map(part => {
        const r = coerceScalar(part, items, paramsSchema)
        return r.ok ? r.value : bad(`a list of ${r.expected}`, part)
      })
      result[name] = [...previous, ...values]
    } else {
      if (name in result) {
        throw usageError("duplicate_param", `Param "${name}" is given more than once`, "Give each param once (only list params may repeat).", { param: name })
      }
      const r = coerceScalar(text, spec.schema, paramsSchema)
      result[name] = r.ok ? r.value : bad(r.expected, text)
    }
  }
  const missing = specs.filter(s => s.required && !(s.name in result))
  if (missing.length > 0) {
    const names = missing.map(s => s.name)
    throw usageError(
      "missing_param",
      `Missing required param${names.length > 1 ? "s" : ""} for ${toolId}: ${names.join(", ")}`,
      `Add ${names.map(n => `-p ${n}=…`).join(" ")}. Params: ${listNames(specs)}.`,
      { missing: names }
    )
  }
  return result
}
