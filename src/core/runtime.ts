import { Effect, Layer } from "effect"
import { ArtifactStore } from "./artifacts/artifact-store.js"
import { ArtifactStoreFromConfig } from "./artifacts/artifact-store-layer.js"
import type { ArtifactFiles } from "./artifacts/local-artifact-store.js"
import { Retention, RetentionLive } from "./artifacts/retention.js"
import { CtsConfig, type CtsConfigShape } from "./config.js"
import { resolveConfig } from "./config-defaults.js"
import { SystemError, isCtsError, type CtsError } from "./errors.js"
import { Executor } from "./executor/executor.js"
import { ExecutorLive } from "./executor/executor-live.js"
import { EventBus } from "./logs/event-bus.js"
import { LogStream } from "./logs/log-stream.js"
import { LogStreamLive } from "./logs/log-stream-live.js"
import { ToolRegistry } from "./registry/tool-registry.js"
import { ToolRegistryLive, ToolSources } from "./registry/tool-registry-live.js"
import { RunStore } from "./store/run-store.js"
import { RunStoreFromConfig } from "./store/run-store-layer.js"

/** Options of `makeCtsLayer`: any config value (the rest comes from `CTS_*` env vars and defaults) plus extra tool modules. */
export interface CtsLayerOptions extends Partial<CtsConfigShape> {
  /**
   * Modules (paths or `file:` URLs of built JavaScript) whose exported tool definitions are
   * registered next to the built-in tools; worker threads import the same module to run them.
   */
  readonly extraToolModules?: ReadonlyArray<string>
  /** Where `CTS_*` variables are read from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>
}

/** Every service `makeCtsLayer` provides. */
export type CtsServices = CtsConfig | ToolRegistry | ToolSources | Executor | ArtifactStore | ArtifactFiles | LogStream | RunStore | Retention

const asCtsError = (e: unknown): CtsError =>
  isCtsError(e) ? e : new SystemError({ code: "startup_failed", message: `cts-lite could not start: ${e instanceof Error ? e.message : String(e)}` })

/** CtsConfig from `resolveConfig(options)` (explicit values, then `CTS_*` env vars, then defaults). */
export const CtsConfigLive = (
  options: Partial<CtsConfigShape> = {},
  env: Readonly<Record<string, string | undefined>> = process.env
): Layer.Layer<CtsConfig, CtsError> => Layer.effect(CtsConfig, Effect.try({ try: () => resolveConfig(options, env), catch: asCtsError }))

/**
 * The whole cts-lite core as one Layer: config, tool registry, run store (SQLite in the data dir, or the
 * PostgreSQL database of `store`),
 * artifact store (files in the data dir, or the S3 bucket of `artifacts`), log stream, executor (worker threads) and retention sweeps.
 * Runs left queued or running by a process that died are marked failed (`interrupted`) when it is built;
 * closing its scope stops running tools and marks their runs the same way.
 */
export const makeCtsLayer = (options: CtsLayerOptions = {}): Layer.Layer<CtsServices, CtsError> => {
  const { extraToolModules = [], env = process.env, ...config } = options
  const configLayer = CtsConfigLive(config, env)
  const registry = Layer.unwrapEffect(
    Effect.map(CtsConfig, (c) => ToolRegistryLive(extraToolModules, c.defaultTimeoutMs))
  ).pipe(Layer.provide(configLayer))
  const runStore = RunStoreFromConfig.pipe(Layer.provide(configLayer), Layer.mapError(asCtsError))
  const artifacts = ArtifactStoreFromConfig.pipe(Layer.provide(Layer.merge(configLayer, runStore)))
  const bus = EventBus.layerStore().pipe(Layer.provide(runStore))
  const logs = LogStreamLive().pipe(Layer.provide(Layer.merge(runStore, bus)))
  const base = Layer.mergeAll(configLayer, registry, runStore, artifacts, logs)
  const executor = ExecutorLive.pipe(Layer.provide(base))
  const retention = RetentionLive.pipe(Layer.provide(base))
  return Layer.mergeAll(base, executor, retention)
}
