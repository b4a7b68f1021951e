import type { Server } from "node:http"
import type { Duplex } from "node:stream"
import { Effect, ManagedRuntime } from "effect"
import { plugin as webSocketPlugin } from "crossws/server/node"
import { serve } from "h3"
import type { CtsConfigShape } from "../../core/config.js"
import { ValidationError } from "../../core/errors.js"
import { makeCtsLayer, type CtsLayerOptions } from "../../core/runtime.js"
import { answerClientErrors } from "./client-error.js"
import { createServerApp } from "./create-server-app.js"
import type { CtsRuntime } from "./route-kit.js"
import { readConfigFile, resolveServerSettings } from "./server-config.js"
import { hasAuth, isLoopbackHost, type ServerSettings } from "./server-settings.js"

export interface StartServerOptions extends Partial<ServerSettings> {
  /** Core services to serve; when omitted they are built with `makeCtsLayer` and disposed by `close()`. */
  readonly runtime?: CtsRuntime
  /** Core options when the runtime is built here (data dir, input roots, extra tool modules…). */
  readonly core?: CtsLayerOptions
  /** Environment for `CTS_*` of the server and of the core built here (default `process.env`). */
  readonly env?: Record<string, string | undefined>
  /** TOML/JSON config file (default `CTS_CONFIG_FILE`); `null` = none. */
  readonly configFile?: string | null
}

/** A listening server. */
export interface RunningServer {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:8765`. */
  readonly url: string
  readonly settings: ServerSettings
  /** Stops listening, drops open connections (SSE streams), and disposes a runtime built here. */
  readonly close: () => Promise<void>
}

const coreFileKeys: Record<string, { readonly env: string; readonly apply: (v: unknown) => Partial<CtsConfigShape> }> = {
  data_dir: { env: "CTS_DATA_DIR", apply: v => ({ dataDir: String(v) }) },
  input_roots: { env: "CTS_INPUT_ROOTS", apply: v => ({ inputRoots: Array.isArray(v) ? v.map(String) : String(v).split(/[,:]/).filter(Boolean) }) },
  concurrency: { env: "CTS_CONCURRENCY", apply: v => ({ concurrency: Number(v) }) },
  default_timeout_s: { env: "CTS_DEFAULT_TIMEOUT_S", apply: v => ({ defaultTimeoutMs: Math.round(Number(v) * 1000) }) },
  signing_key: { env: "CTS_SIGNING_KEY", apply: v => ({ signingKey: String(v) }) },
  retention_days: { env: "CTS_RETENTION_DAYS", apply: v => ({ retentionDays: Number(v) }) },
  max_inputs_per_run: { env: "CTS_MAX_INPUTS_PER_RUN", apply: v => ({ maxInputsPerRun: Number(v) }) },
  max_input_bytes_per_run: { env: "CTS_MAX_INPUT_BYTES_PER_RUN", apply: v => ({ maxInputBytesPerRun: Number(v) }) },
  min_free_bytes: { env: "CTS_MIN_FREE_BYTES", apply: v => ({ minFreeBytes: Number(v) }) },
  store: { env: "CTS_STORE", apply: v => ({ store: String(v) }) },
  artifacts: { env: "CTS_ARTIFACTS", apply: v => ({ artifacts: String(v) }) },
  queue: { env: "CTS_QUEUE", apply: v => ({ queue: String(v) }) },
  s3_endpoint: { env: "CTS_S3_ENDPOINT", apply: v => ({ s3: { endpoint: String(v) } }) },
  s3_region: { env: "CTS_S3_REGION", apply: v => ({ s3: { region: String(v) } }) },
  s3_access_key_id: { env: "CTS_S3_ACCESS_KEY_ID", apply: v => ({ s3: { accessKeyId: String(v) } }) },
  s3_secret_access_key: { env: "CTS_S3_SECRET_ACCESS_KEY", apply: v => ({ s3: { secretAccessKey: String(v) } }) },
  s3_force_path_style: { env: "CTS_S3_FORCE_PATH_STYLE", apply: v => ({ s3: { forcePathStyle: v === true || String(v) === "true" } }) }
}

/** Core options from the file's `[core]` table, for keys whose env variable is unset (env wins over the file). */
export const coreFromFile = (table: unknown, env: Record<string, string | undefined>): Partial<CtsConfigShape> => {
  if (table === undefined) return {}
  if (typeof table !== "object" || table === null) throw new ValidationError({ code: "invalid_config", message: "[core] in the config file must be a table." })
  let out: Partial<CtsConfigShape> = {}
  for (const [key, value] of Object.entries(table)) {
    const spec = coreFileKeys[key]
    if (!spec)
      throw new ValidationError({
        code: "invalid_config",
        message: `Unknown setting "${key}" in the [core] section of the config file.`,
        suggestedAction: "See docs/configuration.md."
      })
    if (env[spec.env] !== undefined) continue
    const part = spec.apply(value)
    out = { ...out, ...part, ...(part.s3 ? { s3: { ...out.s3, ...part.s3 } } : {}) }
  }
  return out
}

/** Refuses settings that would expose runs to the network unauthenticated. */
export const assertSafeToServe = (settings: ServerSettings): void => {
  if (!hasAuth(settings) && settings.requireAuth) {
    throw new ValidationError({
      code: "auth_required",
      message: `The ${settings.preset} preset requires authentication, but no CTS_TOKENS, CTS_JWT_SECRET or CTS_JWT_PUBLIC_KEY is set.`,
      suggestedAction: "Configure tokens or a JWT key (or CTS_REQUIRE_AUTH=false for a private loopback server)."
    })
  }
  if (!hasAuth(settings) && !isLoopbackHost(settings.host) && !settings.forceInsecure) {
    throw new ValidationError({
      code: "insecure_bind",
      message: `Refusing to listen on ${settings.host} without authentication: anyone who can reach it could run tools and read results.`,
      suggestedAction: "Configure CTS_TOKENS or a JWT key, bind 127.0.0.1, or set CTS_FORCE_INSECURE=true if a trusted proxy authenticates."
    })
  }
}

/**
 * Resolves settings (preset ← `[server]` of CTS_CONFIG_FILE ← `CTS_*` ← options), checks they are safe,
 * builds the core unless a runtime is given (path inputs are refused unless input roots are configured),
 * and listens. Rejects with a typed error for bad config or an unusable data dir.
 */
export const startServer = async (options: StartServerOptions = {}): Promise<RunningServer> => {
  const { runtime: givenRuntime, core, env = process.env, configFile, ...overrides } = options
  const filePath = configFile === undefined ? env.CTS_CONFIG_FILE || null : configFile
  const file = filePath ? readConfigFile(filePath) : {}
  for (const key of Object.keys(file)) {
    if (key !== "server" && key !== "core")
      throw new ValidationError({ code: "invalid_config", message: `Unknown section [${key}] in ${filePath}; use [server] and [core].` })
  }
  const settings = resolveServerSettings({ env, file: (file.server as Record<string, unknown> | undefined) ?? {}, overrides })
  assertSafeToServe(settings)

  let runtime = givenRuntime
  if (!runtime) {
    const partial = { ...coreFromFile(file.core, env), ...core }
    const rootsFromEnv = partial.inputRoots === undefined && env.CTS_INPUT_ROOTS?.trim()
    const withRoots = rootsFromEnv ? partial : { ...partial, inputRoots: partial.inputRoots ?? [] }
    runtime = ManagedRuntime.make(makeCtsLayer({ env, ...withRoots }))
  }
  const owned = givenRuntime === undefined
  const lifetime = new AbortController()
  try {
    await runtime.runPromise(Effect.void)
    const app = createServerApp({ runtime, settings, signal: lifetime.signal })
    const server = serve(app, {
      hostname: settings.host,
      port: settings.port,
      silent: true,
      gracefulShutdown: false,
      trustProxy: settings.trustProxy as boolean | "loopback" | string[],
      plugins: [webSocketPlugin({})]
    })
    await server.ready()
    if (server.node?.server) answerClientErrors(server.node.server as Server)
    const upgraded = new Set<Duplex>()
    server.node?.server?.on("upgrade", (_req: unknown, socket: Duplex) => {
      upgraded.add(socket)
      socket.once("close", () => upgraded.delete(socket))
    })
    const address = server.node?.server?.address()
    const port = typeof address === "object" && address ? address.port : settings.port
    const host = settings.host.includes(":") && !settings.host.startsWith("[") ? `[${settings.host}]` : settings.host
    return {
      url: `http://${host}:${port}`,
      settings: { ...settings, port },
      close: async () => {
        lifetime.abort()
        for (const socket of upgraded) socket.destroy()
        await server.close(true)
        if (owned) await runtime!.dispose()
      }
    }
  } catch (error) {
    lifetime.abort()
    if (owned) await runtime.dispose().catch(() => {})
    throw error
  }
}
