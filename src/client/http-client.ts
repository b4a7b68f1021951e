import { CtsApiError, errorFromResponse } from "./api-error.js"
import { parseSse, streamChunks } from "./sse.js"
import type { ArtifactWire, InputWire, Page, RunEventWire, RunStatusWire, RunWire, ToolWire } from "./wire-types.js"

/** Where the client reaches the server and as whom. */
export interface HttpClientOptions {
  /** Server root without a trailing slash (`""` = same origin in a browser). */
  readonly baseUrl: string
  /** Bearer token (static token or JWT); null when the server runs without auth. */
  readonly token: string | null
  /** The fetch to use (default: the global one). */
  readonly fetch?: typeof fetch
  /** Turns each CtsApiError into the error the caller throws (e.g. the CLI's exit-coded errors); default: unchanged. */
  readonly mapError?: (error: CtsApiError) => unknown
}

/** What POST /v1/runs takes. */
export interface SubmitRequest {
  readonly toolId: string
  readonly params?: Record<string, unknown>
  readonly input?: InputWire | ReadonlyArray<InputWire>
  readonly name?: string
  readonly timeoutS?: number
}

/** Byte body for an upload: a Blob (a browser `File`) or a stream of bytes. */
export type UploadBody = Blob | ReadableStream<Uint8Array>

const enc = encodeURIComponent
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>(resolve => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true })
  })

const queryOf = (entries: Record<string, string | number | undefined>) => {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(entries)) if (v !== undefined && v !== "") q.set(k, String(v))
  const text = q.toString()
  return text ? `?${text}` : ""
}

/**
 * A typed client of the `/v1` HTTP API over `fetch` only (no Node built-ins: it runs in browsers,
 * workers and Node). Every failure is a `CtsApiError` with the API's `code`, `message` and `suggestedAction`.
 */
export const createHttpClient = (options: HttpClientOptions) => {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))
  const url = (path: string) => `${options.baseUrl}${path}`
  const fail = (error: CtsApiError): never => {
    throw options.mapError ? options.mapError(error) : error
  }

  const request = async (path: string, init: RequestInit & { readonly what: string; readonly okStatuses?: ReadonlyArray<number> }): Promise<Response> => {
    const headers = new Headers(init.headers)
    if (options.token) headers.set("authorization", `Bearer ${options.token}`)
    if (!headers.has("accept")) headers.set("accept", "application/json")
    let response: Response
    try {
      response = await doFetch(url(path), { ...init, headers })
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error
      const cause = (error as { cause?: { code?: string; message?: string } }).cause
      return fail(
        new CtsApiError(
          0,
          "system_error",
          "server_unreachable",
          `Cannot reach the server at ${options.baseUrl || "this origin"} (${cause?.code ?? cause?.message ?? (error as Error).message})`,
          "Check the server address and that the server is running (cts serve)."
        )
      )
    }
    if (response.ok || init.okStatuses?.includes(response.status)) return response
    return fail(await errorFromResponse(response, init.what))
  }

  const json = async <T>(path: string, init: RequestInit & { readonly what: string }): Promise<T> => {
    const response = await request(path, init)
    try {
      return (await response.json()) as T
    } catch {
      return fail(
        new CtsApiError(
          response.status,
          "system_error",
          "bad_response",
          `${init.what}: the server sent a body that is not JSON`,
          "Check that the address points at a cts-lite server."
        )
      )
    }
  }
  const post = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

  /** Replay then live events after `after`, reconnecting (with `after` = the last seq seen) when the stream drops; ends after `end`. */
  async function* followEvents(runId: string, after = 0, signal?: AbortSignal): AsyncGenerator<RunEventWire> {
    let last = after
    let failures = 0
    while (!signal?.aborted) {
      let response: Response
      try {
        response = await request(`/v1/runs/${enc(runId)}/logs/stream?after=${last}`, {
          what: "Log stream",
          headers: { accept: "text/event-stream", "last-event-id": String(last) },
          okStatuses: [204],
          ...(signal ? { signal } : {})
        })
      } catch (error) {
        if (signal?.aborted) return
        if ((error as { code?: string }).code !== "server_unreachable" || ++failures > 10) throw error
        await sleep(Math.min(5000, 250 * 2 ** failures), signal)
        continue
      }
      if (response.status === 204 || !response.body) return
      try {
        for await (const message of parseSse(streamChunks(response.body))) {
          if (!["log", "progress", "status", "end"].includes(message.event)) continue
          const event = JSON.parse(message.data) as RunEventWire
          if (event.seq <= last) continue
          last = event.seq
          failures = 0
          yield event
          if (event.type === "end") return
        }
      } catch (error) {
        if (signal?.aborted) return
        if (++failures > 10)
          fail(
            new CtsApiError(
              0,
              "system_error",
              "stream_broken",
              `The log stream of run ${runId} keeps breaking: ${(error as Error).message}`,
              "Check the connection to the server and retry."
            )
          )
      }
      await sleep(Math.min(5000, 250 * 2 ** failures), signal)
    }
  }

  return {
    baseUrl: options.baseUrl,
    version: () => json<{ name: string; version: string; api: string }>("/v1/version", { what: "Version" }),
    capabilities: async () => (await json<{ tools: ReadonlyArray<ToolWire> }>("/v1/capabilities", { what: "Capabilities" })).tools,
    listRuns: async (q: { status?: RunStatusWire; tool?: string; limit?: number; cursor?: string } = {}): Promise<Page<RunWire>> => {
      const body = await json<{ items: ReadonlyArray<RunWire>; next_cursor: string | null }>(`/v1/runs${queryOf(q)}`, { what: "Run list" })
      return { items: body.items, nextCursor: body.next_cursor ?? null }
    },
    getRun: (id: string) => json<RunWire>(`/v1/runs/${enc(id)}`, { what: `Run ${id}` }),
    submit: (req: SubmitRequest) =>
      json<RunWire>("/v1/runs", {
        what: "Submit",
        ...post({
          tool_id: req.toolId,
          params: req.params ?? {},
          ...(req.input !== undefined ? { input: req.input } : {}),
          ...(req.name !== undefined ? { name: req.name } : {}),
          ...(req.timeoutS !== undefined ? { timeout_s: req.timeoutS } : {})
        })
      }),
    cancel: (id: string) => json<{ outcome: "canceled" | "already_finished"; run: RunWire }>(`/v1/runs/${enc(id)}`, { what: `Cancel ${id}`, method: "DELETE" }),
    readEvents: async (runId: string, after = 0, limit?: number) =>
      (await json<{ items: ReadonlyArray<RunEventWire> }>(`/v1/runs/${enc(runId)}/logs${queryOf({ after, limit })}`, { what: `Logs of ${runId}` })).items,
    followEvents,
    /** A short-lived token and the URL that opens the run's log stream without headers (for `EventSource`). */
    streamToken: async (runId: string) => {
      const body = await json<{ token: string; expires_at: string; stream_url: string }>(`/v1/runs/${enc(runId)}/stream-token`, {
        what: `Stream token of ${runId}`,
        method: "POST"
      })
      return { token: body.token, expiresAt: body.expires_at, streamUrl: body.stream_url }
    },
    /** A short-lived token and the URL that opens the stream of your run changes without headers (for `EventSource`). */
    runChangesToken: async () => {
      const body = await json<{ token: string; expires_at: string; stream_url: string }>("/v1/run-changes/stream-token", {
        what: "Run-changes stream token",
        method: "POST"
      })
      return { token: body.token, expiresAt: body.expires_at, streamUrl: body.stream_url }
    },
    listArtifacts: async (runId: string): Promise<ReadonlyArray<ArtifactWire>> => {
      const all: Array<ArtifactWire> = []
      let cursor: string | undefined
      do {
        const body: { items: ReadonlyArray<ArtifactWire>; next_cursor: string | null } = await json(`/v1/runs/${enc(runId)}/artifacts${queryOf({ cursor })}`, {
          what: `Artifacts of ${runId}`
        })
        all.push(...body.items)
        cursor = body.next_cursor ?? undefined
      } while (cursor !== undefined)
      return all
    },
    getArtifact: (id: string) => json<ArtifactWire>(`/v1/artifacts/${enc(id)}`, { what: `Artifact ${id}` }),
    /** The artifact's bytes as a Response (stream its `body`, or `blob()` it). */
    download: (id: string, init: { range?: string } = {}) =>
      request(`/v1/artifacts/${enc(id)}/download`, { what: `Download ${id}`, headers: { accept: "*/*", ...(init.range ? { range: init.range } : {}) } }),
    /** A finished run's artifacts as one ZIP (a Response to stream). */
    bundle: (runId: string) => request(`/v1/runs/${enc(runId)}/bundle`, { what: `Bundle of ${runId}`, headers: { accept: "application/zip" } }),
    signUrl: async (id: string, ttlS?: number) => {
      const body = await json<{ url: string; expires_at: string }>(`/v1/artifacts/${enc(id)}/url`, {
        what: `Signed link of ${id}`,
        ...(ttlS !== undefined ? post({ ttl_s: ttlS }) : { method: "POST" })
      })
      return { url: body.url, expiresAt: body.expires_at }
    },
    /** Stores bytes as an upload (usable as a run input `{ type: "upload", value: id }`). A stream body needs a fetch with request streaming (Node; Chromium over HTTP/2). */
    upload: async (name: string, body: UploadBody, size?: number) => {
      const headers: Record<string, string> = { "content-type": "application/octet-stream" }
      if (size !== undefined && !(body instanceof Blob)) headers["content-length"] = String(size)
      const init = { what: "Upload", method: "POST", headers, body, ...(body instanceof Blob ? {} : { duplex: "half" }) } as RequestInit & { what: string }
      return json<ArtifactWire & { input: InputWire }>(`/v1/uploads?name=${enc(name)}`, init)
    },
    listMonitors: async () => (await json<{ items: ReadonlyArray<RunWire> }>("/v1/monitors", { what: "Monitor list" })).items,
    startMonitor: (body: {
      monitor: string
      source: { panda: string | null } | { simulate: string } | { path: string }
      params?: Record<string, unknown>
      name?: string
    }) => json<RunWire>("/v1/monitors", { what: "Start monitor", ...post(body) }),
    stopMonitor: (id: string) => json<{ outcome: string; run: RunWire }>(`/v1/monitors/${enc(id)}`, { what: `Stop monitor ${id}`, method: "DELETE" })
  }
}

/** The HTTP client's interface. */
export type HttpClient = ReturnType<typeof createHttpClient>
