import { Readable } from "node:stream"
import type { ReadableStream as NodeReadableStream } from "node:stream/web"
import { createCts } from "../../adapters/sdk/create-cts.js"
import type { RunEvent } from "../../core/logs/log-stream.js"
import { CtsConfig } from "../../core/config.js"
import { VERSION } from "../../core/version.js"
import type { InputRef } from "../../core/executor/executor.js"
import { artifactView, inputArtifactIds, type CliSubmit, type CtsClient, type Download } from "./cts-client.js"

const bytes = (stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> =>
  Readable.fromWeb(stream as unknown as NodeReadableStream<Uint8Array>)

const POLL_MS = 400

/**
 * Follows a run's events from two gap-free sources, yielding each seq once and in order: the core's
 * live subscription (immediate, for runs of this process) and a poll of the persisted log (for runs
 * another `cts` process is executing, whose live events never reach this one). Ends after `end` or on abort.
 */
async function* followPersisted(
  live: AsyncIterable<RunEvent>,
  readAfter: (after: number) => Promise<ReadonlyArray<RunEvent>>,
  after: number,
  signal: AbortSignal
): AsyncGenerator<RunEvent> {
  let last = after
  const iterator = live[Symbol.asyncIterator]()
  let pending: Promise<IteratorResult<RunEvent>> | null = iterator.next()
  const aborted = new Promise<"aborted">((resolve) => signal.addEventListener("abort", () => resolve("aborted"), { once: true }))
  try {
    while (!signal.aborted) {
      let timer: ReturnType<typeof setTimeout> | undefined
      const tick = new Promise<"tick">((resolve) => (timer = setTimeout(() => resolve("tick"), POLL_MS)))
      const next: IteratorResult<RunEvent> | "tick" | "aborted" = await Promise.race([pending ?? new Promise<never>(() => {}), tick, aborted])
      clearTimeout(timer)
      if (next === "aborted") return
      const batch: ReadonlyArray<RunEvent> = next === "tick" ? await readAfter(last) : next.done ? [] : [next.value]
      if (next !== "tick") pending = next.done ? null : iterator.next()
      for (const event of batch) {
        if (event.seq <= last) continue
        last = event.seq
        yield event
        if (event.type === "end") return
      }
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
      const refs: ReadonlyArray<InputRef> =
        req.input.type === "path"
          ? req.input.paths.map((path) => ({ type: "path", path }))
          : (await inputArtifactIds(req.input, async (file) => (await cts.upload(file)).id)).map((id) => ({ type: "artifact", id }))
      const input = refs.length === 1 ? refs[0]! : refs
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
    followEvents: (runId, after, signal) =>
      followPersisted(cts.logs(runId, { after, follow: true }), (from) => readPage(runId, from, 1000), after, signal),
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
