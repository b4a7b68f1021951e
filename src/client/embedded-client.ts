import { Readable } from "node:stream"
import type { ReadableStream as NodeReadableStream } from "node:stream/web"
import type { CtsClient as CoreClient, CreateCtsOptions } from "../adapters/sdk/create-cts.js"
import { resolveConfig } from "../core/config-defaults.js"
import type { RunEvent } from "../core/run-events/log-stream.js"
import { VERSION } from "../core/version.js"
import type { InputRef } from "../core/executor/executor.js"
import { artifactView, inputArtifactIds, type ClientSubmit, type CtsClient, type Download } from "./cts-client.js"

const bytes = (stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> => Readable.fromWeb(stream as unknown as NodeReadableStream<Uint8Array>)

/** Yields `source` until it ends or `signal` aborts (then it stops at once, even while a next item is awaited). */
async function* untilAborted<A>(source: AsyncIterable<A>, signal: AbortSignal): AsyncGenerator<A> {
  const iterator = source[Symbol.asyncIterator]()
  const aborted = new Promise<"aborted">(resolve => signal.addEventListener("abort", () => resolve("aborted"), { once: true }))
  try {
    while (!signal.aborted) {
      const next = await Promise.race([iterator.next(), aborted])
      if (next === "aborted" || next.done) return
      yield next.value
    }
  } finally {
    void iterator.return?.()
  }
}

/**
 * A CtsClient over the in-process core (the SDK's `createCts(options)`); runs persist in the data dir
 * (`options.dataDir`, else `CTS_DATA_DIR`). The core (Effect runtime, SQLite, workers) starts on the first
 * call that needs it: `capabilities` and `version` never start it.
 */
export const createEmbeddedClient = async (options: CreateCtsOptions = {}): Promise<CtsClient> => {
  const { extraToolModules = [], env = process.env, ...partial } = options
  const config = resolveConfig(partial, env)
  let started: Promise<CoreClient> | undefined
  const core = () => (started ??= import("../adapters/sdk/create-cts.js").then(m => m.createCts(options)))
  async function* logs(...args: Parameters<CoreClient["logs"]>): AsyncGenerator<RunEvent> {
    yield* (await core()).logs(...args)
  }

  const readPage = async (runId: string, after: number, limit?: number): Promise<ReadonlyArray<RunEvent>> => {
    const events: Array<RunEvent> = []
    for await (const event of logs(runId, { after })) {
      events.push(event)
      if (limit !== undefined && events.length >= limit) break
    }
    return events
  }

  return {
    mode: "embedded",
    location: config.dataDir,
    capabilities: async () =>
      (await import("../core/registry/tool-manifest.js")).loadToolInfos({ extraToolModules, defaultTimeoutMs: config.defaultTimeoutMs }),
    version: async () => ({ name: "cts-lite", version: VERSION }),
    submit: async (req: ClientSubmit) => {
      const refs: ReadonlyArray<InputRef> =
        req.input.type === "path"
          ? req.input.paths.map(path => ({ type: "path", path }))
          : (await inputArtifactIds(req.input, async file => (await (await core()).upload(file)).id)).map(id => ({ type: "artifact", id }))
      const input = refs.length === 1 ? refs[0]! : refs
      return (await core()).submit(req.toolId, {
        input,
        params: req.params,
        ...(req.name !== undefined ? { name: req.name } : {}),
        ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {})
      })
    },
    getRun: async id => (await core()).get(id),
    listRuns: async q =>
      (await core()).list({
        ...(q.status ? { status: q.status } : {}),
        ...(q.toolId ? { toolId: q.toolId } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {})
      }),
    cancel: async id => (await core()).cancel(id),
    readEvents: (runId, after, limit) => readPage(runId, after, limit),
    followEvents: (runId, after, signal) => untilAborted(logs(runId, { after, follow: true }), signal),
    listArtifacts: async runId => (await (await core()).artifacts(runId)).map(artifactView),
    getArtifact: async id => artifactView(await (await core()).artifact(id)),
    downloadArtifact: async (id): Promise<Download> => {
      const { meta, body } = await (await core()).download(id)
      return { body: bytes(body), size: meta.size }
    },
    bundle: async (runId): Promise<Download> => ({ body: bytes(await (await core()).bundle(runId)), size: null }),
    upload: async file => artifactView(await (await core()).upload(file)),
    close: async () => {
      if (started) await (await started).close()
    }
  }
}
