import { Readable } from "node:stream"
import type { ReadableStream as NodeReadableStream } from "node:stream/web"
import { createCts } from "../../adapters/sdk/create-cts.js"
import type { RunEvent } from "../../core/logs/log-stream.js"
import { CtsConfig } from "../../core/config.js"
import { VERSION } from "../../core/version.js"
import { artifactView, type CliSubmit, type CtsClient, type Download } from "./cts-client.js"

const bytes = (stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> =>
  Readable.fromWeb(stream as unknown as NodeReadableStream<Uint8Array>)

/** Yields `source` until it ends or `signal` aborts (then it stops at once, even while a next item is awaited). */
async function* untilAborted<A>(source: AsyncIterable<A>, signal: AbortSignal): AsyncGenerator<A> {
  const iterator = source[Symbol.asyncIterator]()
  const aborted = new Promise<"aborted">((resolve) => signal.addEventListener("abort", () => resolve("aborted"), { once: true }))
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

/** A CtsClient over the in-process core (the SDK's `createCts`); runs persist in the data dir (`CTS_DATA_DIR`). */
export const createEmbeddedClient = async (): Promise<CtsClient> => {
  const cts = await createCts()
  const dataDir = (await cts.runtime.runPromise(CtsConfig)).dataDir

  const readPage = async (runId: string, after: number, limit?: number): Promise<ReadonlyArray<RunEvent>> => {
    const events: Array<RunEvent> = []
    for await (const event of cts.logs(runId, { after })) {
      events.push(event)
      if (limit !== undefined && events.length >= limit) break
    }
    return events
  }

  return {
    mode: "embedded",
    location: dataDir,
    capabilities: async () => (await cts.capabilities()).tools,
    version: async () => ({ name: "cts-lite", version: VERSION }),
    submit: async (req: CliSubmit) => {
      const input =
        req.input.type === "path"
          ? req.input.paths.length === 1
            ? req.input.paths[0]!
            : req.input.paths
          : { type: "artifact" as const, id: req.input.type === "artifact" ? req.input.id : (await cts.upload(req.input.file)).id }
      return cts.submit(req.toolId, {
        input,
        params: req.params,
        ...(req.name !== undefined ? { name: req.name } : {}),
        ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {})
      })
    },
    getRun: (id) => cts.get(id),
    listRuns: (q) =>
      cts.list({
        ...(q.status ? { status: q.status } : {}),
        ...(q.toolId ? { toolId: q.toolId } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {})
      }),
    cancel: (id) => cts.cancel(id),
    readEvents: (runId, after, limit) => readPage(runId, after, limit),
    followEvents: (runId, after, signal) => untilAborted(cts.logs(runId, { after, follow: true }), signal),
    listArtifacts: async (runId) => (await cts.artifacts(runId)).map(artifactView),
    getArtifact: async (id) => artifactView(await cts.artifact(id)),
    downloadArtifact: async (id): Promise<Download> => {
      const { meta, body } = await cts.download(id)
      return { body: bytes(body), size: meta.size }
    },
    bundle: async (runId): Promise<Download> => ({ body: bytes(await cts.bundle(runId)), size: null }),
    upload: async (file) => artifactView(await cts.upload(file)),
    close: () => cts.close()
  }
}
