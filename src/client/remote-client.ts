import { createReadStream } from "node:fs"
import { stat } from "node:fs/promises"
import { basename } from "node:path"
import { Readable } from "node:stream"
import { safeFileName } from "../core/util/safe-file-name.js"
import type { CtsApiError } from "./api-error.js"
import { createHttpClient } from "./http-client.js"
import { inputArtifactIds, type ClientSubmit, type CtsClient, type Download } from "./cts-client.js"
import { artifactFromWire, eventFromWire, runFromWire, toolFromWire } from "./remote-wire.js"

const bodyOf = (response: Response): Download => {
  const length = response.headers.get("content-length")
  if (!response.body) return { body: (async function* () {})(), size: 0 }
  return { body: response.body as unknown as AsyncIterable<Uint8Array>, size: length === null ? null : Number(length) }
}

/** Where the remote client connects, and how it words the API's errors (default: the `CtsApiError` itself). */
export interface RemoteClientOptions {
  readonly baseUrl: string
  readonly token: string | null
  readonly mapError?: (error: CtsApiError) => unknown
}

/** A CtsClient over the HTTP API (`/v1`), with bearer-token auth: the shared fetch client plus local files (Node). */
export const createRemoteClient = (options: RemoteClientOptions): CtsClient => {
  const http = createHttpClient({
    baseUrl: options.baseUrl,
    token: options.token,
    ...(options.mapError !== undefined ? { mapError: options.mapError } : {})
  })

  const upload = async (file: string) => {
    const info = await stat(file)
    const body = Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array>
    return artifactFromWire(await http.upload(safeFileName(basename(file), "upload"), body, info.size))
  }

  async function* followEvents(runId: string, after: number, signal: AbortSignal) {
    for await (const event of http.followEvents(runId, after, signal)) yield eventFromWire(runId, event)
  }

  return {
    mode: "remote",
    location: options.baseUrl,
    capabilities: async () => (await http.capabilities()).map(toolFromWire),
    version: () => http.version(),
    submit: async (req: ClientSubmit) => {
      const refs =
        req.input.type === "path"
          ? req.input.paths.map(value => ({ type: "path" as const, value }))
          : (await inputArtifactIds(req.input, async file => (await upload(file)).id)).map(value => ({ type: "upload" as const, value }))
      const run = await http.submit({
        toolId: req.toolId,
        params: req.params,
        input: refs.length === 1 ? refs[0]! : refs,
        ...(req.name !== undefined ? { name: req.name } : {}),
        ...(req.timeoutMs !== undefined ? { timeoutS: req.timeoutMs / 1000 } : {})
      })
      return runFromWire(run)
    },
    getRun: async id => runFromWire(await http.getRun(id)),
    listRuns: async q => {
      const page = await http.listRuns({
        ...(q.status ? { status: q.status } : {}),
        ...(q.toolId ? { tool: q.toolId } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {})
      })
      return { items: page.items.map(runFromWire), nextCursor: page.nextCursor }
    },
    cancel: async id => {
      const body = await http.cancel(id)
      return { run: runFromWire(body.run), outcome: body.outcome }
    },
    readEvents: async (runId, after, limit) => (await http.readEvents(runId, after, limit)).map(w => eventFromWire(runId, w)),
    followEvents,
    listArtifacts: async runId => (await http.listArtifacts(runId)).map(artifactFromWire),
    getArtifact: async id => artifactFromWire(await http.getArtifact(id)),
    downloadArtifact: async id => bodyOf(await http.download(id)),
    bundle: async runId => bodyOf(await http.bundle(runId)),
    upload,
    close: async () => {}
  }
}
