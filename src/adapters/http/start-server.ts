import type { Server } from "node:http"
import type { Duplex } from "node:stream"
import { Effect, Exit, ManagedRuntime, Option } from "effect"
import { plugin as webSocketPlugin } from "crossws/server/node"
import { serve } from "h3"
import { ValidationError } from "../../core/errors.js"
import { makeCtsLayer, type CtsLayerOptions } from "../../core/runtime.js"
import { errorOfCause } from "../sdk/effect-bridge.js"
import { answerClientErrors } from "./client-error.js"
import { createServerApp } from "./create-server-app.js"
import type { CtsRuntime } from "./route-kit.js"
import { readServiceConfigFile } from "../../core/config-file.js"
import { readCoreSettings, type CoreFlags } from "../../core/config-source.js"
import { resolveServerSettings } from "./server-config.js"
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
  /** Command-line values (`cts serve --host/--port/--store/--artifacts/--queue`): over `CTS_*`, under the options above. */
  readonly flags?: { readonly host?: string | undefined; readonly port?: string | undefined } & CoreFlags
}

/** A listening server. */
export interface RunningServer {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:8765`. */
  readonly url: string
  readonly settings: ServerSettings
  /** Stops listening, drops open connections (SSE streams), and disposes a runtime built here. */
  readonly close: () => Promise<void>
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
  const { runtime: givenRuntime, core, env = process.env, configFile, flags = {}, ...overrides } = options
  const file = readServiceConfigFile(env, configFile)
  const settings = resolveServerSettings({ env, file: file.server ?? {}, flags, overrides })
  assertSafeToServe(settings)

  let runtime = givenRuntime
  if (!runtime) {
    const coreFile = file.core
    const { host: _host, port: _port, ...coreFlags } = flags
    const rootsGiven = core?.inputRoots !== undefined || Option.isSome(readCoreSettings(env, coreFile, coreFlags).inputRoots)
    runtime = ManagedRuntime.make(
      makeCtsLayer({ env, coreFlags, ...(coreFile !== undefined ? { coreFile } : {}), ...core, ...(rootsGiven ? {} : { inputRoots: [] }) })
    )
  }
  const owned = givenRuntime === undefined
  const lifetime = new AbortController()
  try {
    const started = await runtime.runPromiseExit(Effect.void)
    if (Exit.isFailure(started)) throw errorOfCause(started.cause)
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
