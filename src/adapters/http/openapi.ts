import type { ToolInfo } from "../../core/registry/tool-registry.js"
import type { ApiRoute } from "./route-kit.js"

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["category", "code", "message", "details", "suggested_actions"],
      properties: {
        category: { type: "string", enum: ["validation_error", "tool_error", "system_error"] },
        code: { type: "string" },
        message: { type: "string" },
        details: {},
        suggested_actions: { type: "array", items: { type: "string" } }
      }
    }
  }
}

const commonErrors: Record<number, string> = {
  401: "Missing or invalid credentials.",
  429: "Rate limited; see Retry-After.",
  500: "Server failure."
}

/**
 * Moves a JSON Schema's `$defs` into `components.schemas` under `<prefix>.<name>` and rewrites its
 * `#/$defs/` references, so schemas that Effect emits with definitions resolve inside the document.
 */
export const hoistDefs = (schema: Record<string, unknown>, prefix: string, components: Record<string, unknown>): Record<string, unknown> => {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite)
    if (node === null || typeof node !== "object") return node
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(node)) {
      if (k === "$defs") continue
      out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/") ? `#/components/schemas/${prefix}.${v.slice(8)}` : rewrite(v)
    }
    return out
  }
  const defs = (schema.$defs ?? {}) as Record<string, unknown>
  for (const [name, def] of Object.entries(defs)) components[`${prefix}.${name}`] = rewrite(def)
  return rewrite(schema) as Record<string, unknown>
}

/** OpenAPI 3.1 for the route table, with each tool's params schema under `components.schemas`. */
export const buildOpenApi = (routes: ReadonlyArray<ApiRoute>, tools: ReadonlyArray<ToolInfo>, serverUrl: string, version = "v1") => {
  const paths: Record<string, Record<string, unknown>> = {}
  const schemas: Record<string, unknown> = { Error: errorSchema }
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, "{$1}")
    const pathParams = [...route.path.matchAll(/:(\w+)/g)].map(m => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }))
    const responses: Record<string, unknown> = {}
    for (const [status, r] of Object.entries(route.responses)) {
      const isError = Number(status) >= 400
      const contentType = r.contentType ?? (isError || Number(status) < 300 ? "application/json" : undefined)
      responses[status] = {
        description: r.description,
        ...(contentType && Number(status) !== 204 && Number(status) !== 304
          ? {
              content: {
                [contentType]: { schema: isError ? { $ref: "#/components/schemas/Error" } : r.schema ? hoistDefs(r.schema, route.operationId, schemas) : {} }
              }
            }
          : {})
      }
    }
    for (const [status, description] of Object.entries(commonErrors)) {
      if (status === "401" && route.auth === "public") continue
      responses[status] ??= { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }
    }
    paths[path] ??= {}
    paths[path][route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      ...(route.auth === "public" ? { security: [] } : {}),
      parameters: [
        ...pathParams,
        ...(route.query ?? []).map(q => ({ name: q.name, in: "query", required: false, description: q.description, schema: q.schema }))
      ],
      ...(route.requestBody
        ? {
            requestBody: {
              required: !route.requestBody.optional,
              content: { [route.requestBody.contentType]: { schema: hoistDefs(route.requestBody.schema, route.operationId, schemas) } }
            }
          }
        : {}),
      responses
    }
  }
  for (const t of tools) {
    schemas[`ToolParams.${t.id}`] = { ...hoistDefs(t.paramsJsonSchema, `ToolParams.${t.id}`, schemas), title: `${t.name} params`, description: t.description }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "cts-lite HTTP API",
      version,
      description: "Runs cts-lite tools on uploaded or server-side logs. Params of each tool: components.schemas['ToolParams.<tool id>']."
    },
    servers: [{ url: serverUrl || "/" }],
    security: [{ bearer: [] }],
    tags: [{ name: "system" }, { name: "runs" }, { name: "artifacts" }, { name: "uploads" }, { name: "monitors" }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A static token (CTS_TOKENS) or a JWT (HS256/RS256) whose `sub` is the principal." }
      },
      schemas
    },
    "x-tools": tools.map(t => ({ id: t.id, params: { $ref: `#/components/schemas/ToolParams.${t.id}` } }))
  }
}
