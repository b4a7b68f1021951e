import { performance } from "node:perf_hooks"
import { H3, handleCors, type HTTPError, isPreflightRequest, type H3Event } from "h3"
import { ApiError, toApiError } from "./api-error.js"
import { anonymousPrincipal, createAuthenticator, type Principal } from "./auth.js"
import { linkBase } from "./link-base.js"
import { createRateLimiter } from "./rate-limiter.js"
import { defaultResponseHeaders, runCore, type ApiContext, type ApiRoute, type CtsRuntime } from "./route-kit.js"
import { artifactRoutes } from "./routes/artifact-routes.js"
import { logRoutes } from "./routes/log-routes.js"
import { monitorRoutes } from "./routes/monitor-routes.js"
import { runRoutes } from "./routes/run-routes.js"
import { streamTokenRoutes } from "./routes/stream-token-routes.js"
import { runChangeRoutes } from "./routes/run-change-routes.js"
import { systemRoutes } from "./routes/system-routes.js"
import { uploadRoutes } from "./routes/upload-routes.js"
import { createServerMetrics, type ServerMetrics } from "./server-metrics.js"
import { streamTokenPrincipal } from "./stream-token.js"
import { defaultWebRoot, serveWebFile } from "./web-static.js"
import { resolveServerSettings } from "./server-config.js"
import type { ServerSettings } from "./server-settings.js"

export interface ServerAppOptions {
  /** The core services; the caller owns (and disposes) it. */
  readonly runtime: CtsRuntime
  /** Resolved settings; default: `resolveServerSettings()` (preset, config file table, `CTS_*` env). */
  readonly settings?: ServerSettings
  /** Metrics registry to feed (default: a new one). */
  readonly metrics?: ServerMetrics
  /** When aborted, the app's timers (rate-limiter cleanup) stop; `startServer` aborts it on `close()`. */
  readonly signal?: AbortSignal
  /** Directory of the built web page served at `/` (default: `dist/web` when built; null: no page). */
  readonly webRoot?: string | null
}

const h3Codes: Record<number, string> = { 400: "bad_request", 404: "route_not_found", 405: "method_not_allowed", 413: "payload_too_large" }

const corsHeaders = {
  methods: ["GET", "POST", "DELETE", "OPTIONS"],
  allowHeaders: ["authorization", "content-type", "content-disposition", "last-event-id", "range", "if-none-match", "if-range"],
  exposeHeaders: ["etag", "content-range", "content-disposition", "content-length", "location", "retry-after"],
  maxAge: "600"
}

/** Every route of the API, in registration order. */
export const apiRoutes = (): ReadonlyArray<ApiRoute> => {
  const all: ApiRoute[] = []
  all.push(
    ...systemRoutes(() => all),
    ...runRoutes,
    ...logRoutes,
    ...artifactRoutes,
    ...uploadRoutes,
    ...monitorRoutes,
    ...streamTokenRoutes,
    ...runChangeRoutes
  )
  return all
}

/**
 * The h3 app: `/v1` routes over the core services, with auth, per-principal rate limits,
 * size limits, CORS allowlist, metrics and one error shape. Serve it with `startServer` or any srvx/h3 host.
 */
export const createServerApp = (options: ServerAppOptions): H3 => {
  const settings = options.settings ?? resolveServerSettings()
  const runtime = options.runtime
  const metrics = options.metrics ?? createServerMetrics(runtime)
  const authenticate = createAuthenticator(settings)
  const limiter = createRateLimiter(settings.rateLimit)
  if (settings.rateLimit && !options.signal?.aborted) {
    const cleanup = setInterval(() => limiter.prune(), Math.max(1000, settings.rateLimit.windowMs)).unref()
    options.signal?.addEventListener("abort", () => clearInterval(cleanup), { once: true })
  }
  const started = new WeakMap<H3Event, number>()

  const app = new H3({
    silent: true,
    onRequest: event => void started.set(event, performance.now()),
    onError: (error: HTTPError) => {
      const status = error.status >= 400 && error.status < 600 ? error.status : 500
      const code = h3Codes[status] ?? (status >= 500 ? "internal_error" : "http_error")
      const message = status >= 500 ? "The server failed while handling this request." : status === 404 ? "No such endpoint." : error.message
      return new ApiError(status, code, message, { suggestedAction: status === 404 ? "See GET /v1/openapi.json for the endpoints." : undefined }).toResponse()
    },
    onResponse: (response, event) => {
      const route = event.context.matchedRoute?.route ?? "unmatched"
      metrics.observeRequest(event.req.method, route, response.status, (performance.now() - (started.get(event) ?? performance.now())) / 1000)
      const headers = response.headers
      for (const [name, value] of defaultResponseHeaders) if (!headers.has(name)) headers.set(name, value)
    }
  })

  app.use((event, next) => {
    const origin = event.req.headers.get("origin")
    if (origin === null) return next()
    const allowed = settings.corsOrigins.includes("*") || settings.corsOrigins.includes(origin)
    if (!allowed) {
      if (isPreflightRequest(event)) {
        return new ApiError(403, "cors_origin_not_allowed", `Origin ${origin} is not allowed.`, {
          suggestedAction: "Add the origin to CTS_CORS_ORIGINS."
        }).toResponse()
      }
      return next()
    }
    const preflight = handleCors(event, { origin: settings.corsOrigins.includes("*") ? "*" : [origin], ...corsHeaders })
    return preflight === false ? next() : preflight
  })

  const limit = (key: string) => {
    const decision = limiter.take(key)
    if (!decision.allowed) {
      throw new ApiError(429, "rate_limited", `Too many requests; retry in ${decision.retryAfterSeconds} s.`, {
        details: { retry_after_s: decision.retryAfterSeconds },
        headers: { "retry-after": String(decision.retryAfterSeconds) },
        suggestedAction: "Slow down; wait for Retry-After seconds."
      })
    }
  }

  for (const route of apiRoutes()) {
    app.on(route.method, route.path, async event => {
      try {
        const ip = event.req.ip ?? "unknown"
        let principal: Principal = anonymousPrincipal
        if (route.auth === "required") {
          try {
            const byStreamToken =
              route.streamToken !== undefined && route.streamToken !== false && !event.req.headers.has("authorization") && event.url.searchParams.has("token")
            const scope = typeof route.streamToken === "string" ? route.streamToken : String(event.context.params?.id ?? "")
            principal = byStreamToken ? await streamTokenPrincipal(runtime, event, scope) : await authenticate(event.req.headers)
          } catch (error) {
            limit(`ip:${ip}`)
            throw error
          }
        }
        if (route.rateLimited !== false) limit(principal.via === "anonymous" ? `ip:${ip}` : `principal:${principal.id}`)
        Object.assign(event.context, { bodyPace: { windowMs: settings.bodyTimeoutMs, minBytes: settings.bodyMinBytes } })
        const ctx: ApiContext = {
          event,
          principal,
          settings,
          metrics,
          runtime,
          baseUrl: linkBase(settings, event),
          core: effect => runCore(runtime, effect)
        }
        return await route.handler(ctx)
      } catch (error) {
        const apiError = toApiError(error)
        if (apiError.status >= 500)
          console.error(`[cts-lite] ${event.req.method} ${event.url.pathname} failed:`, (apiError as { cause?: unknown }).cause ?? error)
        const response = apiError.toResponse()
        if (apiError.status === 413 || apiError.status === 408) response.headers.set("connection", "close")
        return response
      }
    })
  }
  const webRoot = options.webRoot === undefined ? defaultWebRoot() : options.webRoot
  if (webRoot !== null) {
    const page = async (event: H3Event) =>
      (await serveWebFile(webRoot, event.url.pathname)) ?? new ApiError(404, "route_not_found", "No such endpoint.").toResponse()
    for (const route of ["/", "/favicon.svg", "/assets/**"]) app.on("GET", route, page)
  }
  return app
}
