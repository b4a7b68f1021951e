import { Effect } from "effect"
import { checkHealth } from "../../../core/observability/health-probe.js"
import { describeCapabilities, type CtsCapabilities } from "../../../core/capabilities.js"
import { ToolRegistry, type ToolInfo } from "../../../core/registry/tool-registry.js"
import { VERSION } from "../../../core/version.js"
import { buildOpenApi } from "../openapi.js"
import { defineApiRoute, type ApiRoute } from "../route-kit.js"

/** A tool as `capabilities` shows it on the wire. */
export const toolToWire = (t: ToolInfo) => ({
  id: t.id,
  name: t.name,
  description: t.description,
  category: t.category,
  version: t.version,
  params_schema: t.paramsJsonSchema,
  inputs: t.inputs,
  outputs: t.outputs.map(o => ({ name: o.name, content_type: o.contentType, description: o.description })),
  default_timeout_ms: t.defaultTimeoutMs,
  requires_hardware: t.requiresHardware,
  ...(t.sources ? { sources: t.sources } : {})
})

const listTools = Effect.flatMap(ToolRegistry, r => r.list)

/** `describeCapabilities` on the wire (snake_case). */
const capabilitiesToWire = (c: CtsCapabilities) => ({
  version: c.version,
  tools: c.tools.map(toolToWire),
  limits: {
    concurrency: c.limits.concurrency,
    default_timeout_ms: c.limits.defaultTimeoutMs,
    input_roots_restricted: c.limits.inputRootsRestricted,
    retention_days: c.limits.retentionDays
  },
  queue: c.queue
})

/** health, version, capabilities, openapi.json, metrics. `routes` is the full table (OpenAPI describes it). */
export const systemRoutes = (routes: () => ReadonlyArray<ApiRoute>): ReadonlyArray<ApiRoute> => [
  defineApiRoute({
    method: "GET",
    path: "/v1/health",
    operationId: "getHealth",
    summary:
      "Storage writable, registry loaded, run store, artifact storage and run queue reachable (with latency), executor queue depth and worker count; 503 when a check fails.",
    tag: "system",
    auth: "public",
    rateLimited: false,
    responses: { 200: { description: "Healthy." }, 503: { description: "A check failed." } },
    handler: async ctx => {
      const report = await ctx.core(checkHealth)
      const body = {
        status: report.ok ? "ok" : "degraded",
        storage: { ok: report.storage.ok, ...(report.storage.error ? { error: report.storage.error } : {}) },
        registry: report.registry,
        executor: report.executor,
        sse_clients: ctx.metrics.sseClients(),
        dependencies: Object.fromEntries(
          Object.entries(report.dependencies).map(([name, d]) => [
            name,
            { backend: d.backend, ok: d.ok, latency_ms: d.latencyMs, ...(d.error ? { error: d.error } : {}) }
          ])
        )
      }
      return new Response(JSON.stringify(body), { status: report.ok ? 200 : 503, headers: { "content-type": "application/json" } })
    }
  }),
  defineApiRoute({
    method: "GET",
    path: "/v1/version",
    operationId: "getVersion",
    summary: "Server and API version.",
    tag: "system",
    auth: "public",
    responses: { 200: { description: "Versions." } },
    handler: async () => ({ name: "cts-lite", version: VERSION, api: "v1", node: process.versions.node })
  }),
  defineApiRoute({
    method: "GET",
    path: "/v1/capabilities",
    operationId: "getCapabilities",
    summary: "Version, tools with their params as JSON Schema, inputs and outputs, limits and the current queue (the SDK's capabilities(), same source).",
    tag: "system",
    auth: "required",
    responses: { 200: { description: "Tools." } },
    handler: async ctx => capabilitiesToWire(await ctx.core(describeCapabilities))
  }),
  defineApiRoute({
    method: "GET",
    path: "/v1/openapi.json",
    operationId: "getOpenApi",
    summary: "This API as OpenAPI 3.1, generated from the route table and the tools' param schemas.",
    tag: "system",
    auth: "required",
    responses: { 200: { description: "OpenAPI document." } },
    handler: async ctx => buildOpenApi(routes(), await ctx.core(listTools), ctx.baseUrl)
  }),
  defineApiRoute({
    method: "GET",
    path: "/v1/metrics",
    operationId: "getMetrics",
    summary: "Prometheus text: runs by tool and status, run durations, HTTP requests and latency by route, artifact bytes, SSE clients, queue depth.",
    tag: "system",
    auth: "required",
    responses: { 200: { description: "Prometheus exposition format 0.0.4.", contentType: "text/plain" } },
    handler: async ctx => new Response(await ctx.metrics.registry.render(), { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" } })
  })
]
