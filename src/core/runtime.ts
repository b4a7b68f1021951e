import { Effect, Layer } from "effect"
import type { ArtifactStore } from "./artifacts/artifact-store.js"
import { ArtifactStoreFromConfig } from "./artifacts/artifact-store-layer.js"
import { type Retention, RetentionLive } from "./artifacts/retention.js"
import { SignedLinks } from "./artifacts/signed-links.js"
import { CtsConfig, type CtsConfigShape } from "./config.js"
import { resolveConfig } from "./config-defaults.js"
import { readToolModules, type CoreFlags } from "./config-source.js"
import { SystemError, isCtsError, type CtsError } from "./errors.js"
import type { Executor } from "./executor/executor.js"
import { makeRunServiceLayer, type RunServiceOptions } from "./executor/executor-live.js"
import type { RunQueue } from "./executor/run-queue.js"
import { RunQueueFromConfig } from "./executor/run-queue-layer.js"
import { ToolRunner } from "./executor/tool-runner.js"
import type { EventBus } from "./run-events/event-bus.js"
import { EventBusFromConfig } from "./run-events/event-bus-layer.js"
import type { LogStream } from "./run-events/log-stream.js"
import { LogStreamLive } from "./run-events/log-stream-live.js"
import type { ToolRegistry } from "./registry/tool-registry.js"
import { ToolRegistryLive, type ToolSources } from "./registry/tool-registry-live.js"
import type { RunStore } from "./store/run-store.js"
import { RunStoreFromConfig } from "./store/run-store-layer.js"

/** Options of `makeCtsLayer`: any config value (the rest comes from `CTS_*` env vars and defaults) plus extra tool modules. */
export interface CtsLayerOptions extends Partial<CtsConfigShape> {
  /**
   * Modules (paths or `file:` URLs of built JavaScript) whose exported tool definitions are
   * registered next to the built-in tools; worker threads import the same module to run them.
   * Default: `CTS_TOOL_MODULES` (comma-separated).
   */
  readonly extraToolModules?: ReadonlyArray<string>
  /** Where `CTS_*` variables are read from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** The `[core]` table of a config file (parsed TOML or JSON, checked when read); a set `CTS_*` variable wins over it. */
  readonly coreFile?: unknown
  /** Command-line values of core settings (`--store`, `--artifacts`, `--queue`, `--concurrency`); they win over `CTS_*`. */
  readonly coreFlags?: CoreFlags
}

/** Every service `makeCtsLayer` provides. */
export type CtsServices = CtsConfig | ToolRegistry | ToolSources | Executor | ArtifactStore | LogStream | RunStore | RunQueue | Retention | SignedLinks

const asCtsError = (e: unknown): CtsError =>
  isCtsError(e) ? e : new SystemError({ code: "startup_failed", message: `cts-lite could not start: ${e instanceof Error ? e.message : String(e)}` })

/** CtsConfig from `resolveConfig(options, env, coreFile, coreFlags)` (explicit values, then flags, then `CTS_*` env vars, then the file's `[core]` table, then defaults). */
export const CtsConfigLive = (
  options: Partial<CtsConfigShape> = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
  coreFile?: unknown,
  coreFlags?: CoreFlags
): Layer.Layer<CtsConfig, CtsError> => Layer.effect(CtsConfig, Effect.try({ try: () => resolveConfig(options, env, coreFile, coreFlags), catch: asCtsError }))

/**
 * Replacement layers for the ports of `makeCtsLayer` (each optional; the embedded default is named).
 * A layer may need `CtsConfig`; the artifact store and the event bus may also need `RunStore`, the
 * artifact store `SignedLinks`;
 * the tool runner may need `ArtifactStore`. Scale-out layers (Postgres, S3, BullMQ, Redis) plug in here.
 */
export interface CtsLayerOverrides {
  /** Default: from the config's `store` — `layerSqlite()` (`store/sqlite-run-store.ts`) or PostgreSQL for a `postgres://` URL (`store/run-store-layer.ts`). */
  readonly runStore?: Layer.Layer<RunStore, unknown, CtsConfig>
  /** Default: from the config's `artifacts` — `layerLocal` (`artifacts/local-artifact-store.ts`) or S3 for `s3://bucket/prefix` (`artifacts/artifact-store-layer.ts`). */
  readonly artifactStore?: Layer.Layer<ArtifactStore, unknown, CtsConfig | RunStore | SignedLinks>
  /** Default: `EventBus.layerStore()` (`run-events/event-bus.ts`), or Redis pub/sub when the config's `queue` is a `redis://` URL (`run-events/redis-event-bus.ts`). */
  readonly eventBus?: Layer.Layer<EventBus, unknown, CtsConfig | RunStore>
  /** Default: from the config's `queue` — `RunQueue.layerMemory` (`executor/run-queue.ts`) or BullMQ for a `redis://` URL, submit-only (`executor/run-queue-layer.ts`; `cts worker` passes `RunQueueFromConfig(true)`). */
  readonly runQueue?: Layer.Layer<RunQueue, unknown, CtsConfig>
  /** Default `ToolRunner.layerWorkerThreads` (`executor/tool-runner.ts`). */
  readonly toolRunner?: Layer.Layer<ToolRunner, unknown, CtsConfig | ArtifactStore>
  /** Options of the RunService (lease timing). */
  readonly runService?: RunServiceOptions
}

/**
 * The whole cts-lite core as one Layer: config, tool registry, run store, artifact store, log stream
 * over an event bus, the RunService (run queue, tool runner, leases) and retention sweeps. `overrides`
 * replaces any port's layer. Runs whose owner is gone (lease expired, or its process on this machine
 * exited) are marked failed when it is built and while it runs; closing its scope stops running tools
 * and marks their runs `interrupted`.
 */
export const makeCtsLayer = (options: CtsLayerOptions = {}, overrides: CtsLayerOverrides = {}): Layer.Layer<CtsServices, CtsError> => {
  const { extraToolModules: givenModules, env = process.env, coreFile, coreFlags, ...config } = options
  const extraToolModules = givenModules ?? readToolModules(env)
  const configLayer = CtsConfigLive(config, env, coreFile, coreFlags)
  const port = <A, R>(layer: Layer.Layer<A, unknown, R>) => layer.pipe(Layer.mapError(asCtsError))
  const registry = Layer.unwrapEffect(Effect.map(CtsConfig, c => ToolRegistryLive(extraToolModules, c.defaultTimeoutMs))).pipe(Layer.provide(configLayer))
  const runStore = port(overrides.runStore ?? RunStoreFromConfig).pipe(Layer.provide(configLayer))
  const withStore = Layer.merge(configLayer, runStore)
  const links = SignedLinks.layer.pipe(Layer.provide(configLayer))
  const artifacts = port(overrides.artifactStore ?? ArtifactStoreFromConfig).pipe(Layer.provide(Layer.merge(withStore, links)))
  const bus = port(overrides.eventBus ?? EventBusFromConfig).pipe(Layer.provide(withStore))
  const logs = LogStreamLive().pipe(Layer.provide(Layer.merge(runStore, bus)))
  const base = Layer.mergeAll(configLayer, registry, runStore, artifacts, logs, links)
  const queue = port(overrides.runQueue ?? RunQueueFromConfig()).pipe(Layer.provide(configLayer))
  const runner = port(overrides.toolRunner ?? ToolRunner.layerWorkerThreads).pipe(Layer.provide(Layer.merge(configLayer, artifacts)))
  const executor = makeRunServiceLayer(overrides.runService).pipe(Layer.provide(Layer.mergeAll(base, queue, runner)))
  const retention = RetentionLive.pipe(Layer.provide(base))
  return Layer.mergeAll(base, queue, executor, retention)
}
