import { Cause, Exit, Option, type Effect, type ManagedRuntime } from "effect"
import type { H3Event, HTTPMethod } from "h3"
import type { ArtifactStore } from "../../core/artifacts/artifact-store.js"
import type { SignedLinks } from "../../core/artifacts/signed-links.js"
import type { CtsConfig } from "../../core/config.js"
import type { CtsError } from "../../core/errors.js"
import type { Executor } from "../../core/executor/executor.js"
import type { LogStream } from "../../core/run-events/log-stream.js"
import type { ToolRegistry } from "../../core/registry/tool-registry.js"
import { toApiError } from "./api-error.js"
import type { Principal } from "./auth.js"
import type { ServerMetrics } from "./server-metrics.js"
import type { ServerSettings } from "./server-settings.js"

/** The core services every route may use. */
export type CtsServices = CtsConfig | ToolRegistry | Executor | ArtifactStore | LogStream | SignedLinks

/** A runtime holding the core services (e.g. `ManagedRuntime.make(makeCtsLayer(config))`). */
export type CtsRuntime = ManagedRuntime.ManagedRuntime<CtsServices, unknown>

/** Everything a route handler gets. */
export interface ApiContext {
  readonly event: H3Event
  readonly principal: Principal
  readonly settings: ServerSettings
  readonly metrics: ServerMetrics
  readonly runtime: CtsRuntime
  /** Absolute base URL (no trailing slash) for links in responses. */
  readonly baseUrl: string
  /** Runs a core effect; its typed error becomes the matching HTTP error. */
  readonly core: <A>(effect: Effect.Effect<A, CtsError, CtsServices>) => Promise<A>
}

/** Documentation of one query parameter, for OpenAPI. */
export interface QueryParamDoc {
  readonly name: string
  readonly description: string
  readonly schema: Record<string, unknown>
}

/** One route: how it is served and how OpenAPI describes it. */
export interface ApiRoute {
  readonly method: HTTPMethod
  /** h3 path under the server root, e.g. `/v1/runs/:id`. */
  readonly path: string
  readonly operationId: string
  readonly summary: string
  readonly tag: "system" | "runs" | "artifacts" | "uploads" | "monitors"
  /** `public`: no credentials (health, version, signed files). */
  readonly auth: "required" | "public"
  /**
   * Also accepts a `?token=` stream token (for a browser `EventSource`): `true`, one of the run in the
   * path; a string, one issued for that scope (e.g. `RUN_CHANGES_SCOPE`).
   */
  readonly streamToken?: boolean | string
  /** Counted by the rate limiter (everything except the health probe). */
  readonly rateLimited?: boolean
  readonly query?: ReadonlyArray<QueryParamDoc>
  /** JSON Schema of the request body, or `binary` for a raw byte body. */
  readonly requestBody?: { readonly contentType: string; readonly schema: Record<string, unknown>; readonly optional?: boolean }
  /** Status → description (and JSON Schema of a JSON body when there is one). */
  readonly responses: Readonly<Record<number, { readonly description: string; readonly contentType?: string; readonly schema?: Record<string, unknown> }>>
  readonly handler: (ctx: ApiContext) => Promise<unknown>
}

/** Headers every answer gets unless its route set them (`onResponse` adds them; a hot route may send them itself). */
export const defaultResponseHeaders: ReadonlyArray<[string, string]> = [
  ["x-content-type-options", "nosniff"],
  ["cache-control", "no-store"]
]

/** Declares a route (identity; fixes the type). */
export const defineApiRoute = (route: ApiRoute): ApiRoute => route

/** Runs `effect` on `runtime`, rethrowing the typed failure (or a 500 for defects) as an ApiError. */
export const runCore = async <A>(runtime: CtsRuntime, effect: Effect.Effect<A, CtsError, CtsServices>): Promise<A> => {
  const exit = await runtime.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return exit.value
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) throw toApiError(failure.value)
  throw Object.assign(toApiError(Cause.squash(exit.cause)), { cause: Cause.pretty(exit.cause) })
}
