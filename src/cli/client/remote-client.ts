import { createReadStream } from "node:fs"
import { stat } from "node:fs/promises"
import { basename } from "node:path"
import { Readable } from "node:stream"
import type { RunEvent } from "../../core/logs/log-stream.js"
import { storeError } from "../cli-error.js"
import { safeFileName } from "../files.js"
import { inputArtifactIds, type ArtifactView, type CliSubmit, type CtsClient, type Download } from "./cts-client.js"
import { httpJson, httpRequest, type HttpTarget } from "./http-request.js"
import { artifactFromWire, eventFromWire, runFromWire, toolFromWire } from "./remote-wire.js"
import { parseSse } from "./sse.js"

type Wire = Record<string, any>

const enc = encodeURIComponent

const bodyOf = (response: Response): Download => {
  const length = response.headers.get("content-length")
  if (!response.body) return { body: (async function* () {})(), size: 0 }
  return { body: response.body as unknown as AsyncIterable<Uint8Array>, size: length === null ? null : Number(length) }
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener("abort", () => { clearTimeout(timer); resolve() }, { once: true })
  })

/** A CtsClient over the HTTP API (`/v1`), with bearer-token auth. */
export const createRemoteClient = (options: { readonly baseUrl: string; readonly token: string | null }): CtsClient => {
  const target: HttpTarget = { baseUrl: options.baseUrl, token: options.token }

  const upload = async (file: string) => {
    const info = await stat(file)
    const response = await httpRequest(target, `/v1/uploads?name=${enc(safeFileName(basename(file), "upload"))}`, {
      what: "Upload",
      method: "POST",
      headers: { "content-type": "application/octet-stream", "content-length": String(info.size) },
      body: Readable.toWeb(createReadStream(file)) as unknown as BodyInit,
      duplex: "half"
    } as RequestInit & { what: string; duplex: "half" })
    return artifactFromWire((await response.json()) as Wire)
  }

  async function* followEvents(runId: string, after: number, signal: AbortSignal): AsyncGenerator<RunEvent> {
    let last = after
    let failures = 0
    while (!signal.aborted) {
      let response: Response
      try {
        response = await httpRequest(target, `/v1/runs/${enc(runId)}/logs/stream?after=${last}`, {
          what: "Log stream",
          headers: { accept: "text/event-stream", "last-event-id": String(last) },
          signal,
          okStatuses: [204]
        })
      } catch (error) {
        if (signal.aborted) return
        if ((error as { code?: string }).code !== "server_unreachable" || ++failures > 10) throw error
        await sleep(Math.min(5000, 250 * 2 ** failures), signal)
        continue
      }
      if (response.status === 204 || !response.body) return
      try {
        for await (const message of parseSse(response.body as unknown as AsyncIterable<Uint8Array>)) {
          if (message.event !== "log" && message.event !== "progress" && message.event !== "status" && message.event !== "end") continue
          const event = eventFromWire(runId, JSON.parse(message.data) as Wire)
          if (event.seq <= last) continue
          last = event.seq
          failures = 0
          yield event
          if (event.type === "end") return
        }
      } catch (error) {
        if (signal.aborted) return
        if (++failures > 10) throw storeError("stream_broken", `The log stream of run ${runId} keeps breaking: ${(error as Error).message}`, "Check the connection to the server and retry.")
      }
      await sleep(Math.min(5000, 250 * 2 ** failures), signal)
    }
  }

  return {
    mode: "remote",
    location: options.baseUrl,
    capabilities: async () => {
      const body = await httpJson<Wire>(target, "/v1/capabilities", { what: "Capabilities" })
      return ((body.tools ?? []) as Array<Wire>).map(toolFromWire)
    },
    version: async () => httpJson(target, "/v1/version", { what: "Version" }),
    submit: async (req: CliSubmit) => {
      const refs =
        req.input.type === "path"
          ? req.input.paths.map((value) => ({ type: "path", value }))
          : (await inputArtifactIds(req.input, async (file) => (await upload(file)).id)).map((value) => ({ type: "upload", value }))
      const input = refs.length === 1 ? refs[0] : refs
      const body = {
        tool_id: req.toolId,
        params: req.params,
        input,
        ...(req.name !== undefined ? { name: req.name } : {}),
        ...(req.timeoutMs !== undefined ? { timeout_s: req.timeoutMs / 1000 } : {})
      }
      const wire = await httpJson<Wire>(target, "/v1/runs", {
        what: "Submit",
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body)
      })
      return runFromWire(wire)
    },
    getRun: async (id) => runFromWire(await httpJson<Wire>(target, `/v1/runs/${enc(id)}`, { what: `Run ${id}` })),
    listRuns: async (q) => {
      const query = new URLSearchParams()
      if (q.status) query.set("status", q.status)
      if (q.toolId) query.set("tool", q.toolId)
      if (q.limit) query.set("limit", String(q.limit))
      if (q.cursor) query.set("cursor", q.cursor)
      const body = await httpJson<Wire>(target, `/v1/runs?${query}`, { what: "Run list" })
      return { items: (body.items ?? []).map(runFromWire), nextCursor: body.next_cursor ?? null }
    },
    cancel: async (id) => {
      const body = await httpJson<Wire>(target, `/v1/runs/${enc(id)}`, { what: `Cancel ${id}`, method: "DELETE" })
      return { run: runFromWire(body.run), outcome: body.outcome }
    },
    readEvents: async (runId, after, limit) => {
      const body = await httpJson<Wire>(target, `/v1/runs/${enc(runId)}/logs?after=${after}${limit ? `&limit=${limit}` : ""}`, { what: `Logs of ${runId}` })
      return ((body.items ?? []) as Array<Wire>).map((w) => eventFromWire(runId, w))
    },
    followEvents,
    listArtifacts: async (runId) => {
      const all: Array<ArtifactView> = []
      let cursor: string | null = null
      do {
        const query: string = cursor ? `?cursor=${enc(cursor)}` : ""
        const body: Wire = await httpJson<Wire>(target, `/v1/runs/${enc(runId)}/artifacts${query}`, { what: `Artifacts of ${runId}` })
        all.push(...((body.items ?? []) as Array<Wire>).map(artifactFromWire))
        cursor = body.next_cursor ?? null
      } while (cursor !== null)
      return all
    },
    getArtifact: async (id) => artifactFromWire(await httpJson<Wire>(target, `/v1/artifacts/${enc(id)}`, { what: `Artifact ${id}` })),
    downloadArtifact: async (id) =>
      bodyOf(await httpRequest(target, `/v1/artifacts/${enc(id)}/download`, { what: `Download ${id}`, headers: { accept: "*/*" } })),
    bundle: async (runId) => bodyOf(await httpRequest(target, `/v1/runs/${enc(runId)}/bundle`, { what: `Bundle of ${runId}`, headers: { accept: "application/zip" } })),
    upload,
    close: async () => {}
  }
}
