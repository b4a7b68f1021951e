import type { ArtifactMeta } from "../core/artifacts/artifact-store.js"
import type { CancelOutcome, RunRecord, RunStatus } from "../core/executor/executor.js"
import type { RunEvent } from "../core/run-events/log-stream.js"
import type { ToolInfo } from "../core/registry/tool-registry.js"

/** A run's input as the CLI names it. */
export type ClientInput =
  /** Paths read where the core runs: this machine (embedded) or the server (under its input roots). */
  | { readonly type: "path"; readonly paths: ReadonlyArray<string> }
  /** Local files sent to the store first, in order. */
  | { readonly type: "upload"; readonly files: ReadonlyArray<string> }
  /** Files uploaded earlier (`cts upload`), in order. */
  | { readonly type: "artifact"; readonly ids: ReadonlyArray<string> }

/** What `cts run` submits: tool, typed params, input and options. */
export interface ClientSubmit {
  readonly toolId: string
  readonly params: Record<string, unknown>
  readonly input: ClientInput
  readonly name?: string
  readonly timeoutMs?: number
}

/** Version facts `cts version` prints. */
export interface VersionInfo {
  readonly name: string
  readonly version: string
  readonly [key: string]: unknown
}

/** A byte stream from the store plus what is known about it. */
export interface Download {
  readonly body: AsyncIterable<Uint8Array>
  readonly size: number | null
}

/**
 * What every `cts` command needs from cts-lite, with one implementation over the in-process core
 * (embedded) and one over the HTTP API (remote). Failures are typed: core errors or CliErrors.
 */
export interface CtsClient {
  readonly mode: "embedded" | "remote"
  /** Human label of where runs live: the data dir or the server URL. */
  readonly location: string
  readonly capabilities: () => Promise<ReadonlyArray<ToolInfo>>
  readonly version: () => Promise<VersionInfo>
  readonly submit: (req: ClientSubmit) => Promise<RunRecord>
  readonly getRun: (id: string) => Promise<RunRecord>
  readonly listRuns: (query: {
    readonly status?: RunStatus
    readonly toolId?: string
    readonly limit?: number
    readonly cursor?: string
  }) => Promise<{ readonly items: ReadonlyArray<RunRecord>; readonly nextCursor: string | null }>
  readonly cancel: (id: string) => Promise<CancelOutcome>
  /** Persisted events with seq > after (one page). */
  readonly readEvents: (runId: string, after: number, limit?: number) => Promise<ReadonlyArray<RunEvent>>
  /** Replay then live events with seq > after; ends after the `end` event or when `signal` aborts. */
  readonly followEvents: (runId: string, after: number, signal: AbortSignal) => AsyncIterable<RunEvent>
  readonly listArtifacts: (runId: string) => Promise<ReadonlyArray<ArtifactView>>
  readonly getArtifact: (id: string) => Promise<ArtifactView>
  readonly downloadArtifact: (id: string) => Promise<Download>
  readonly bundle: (runId: string) => Promise<Download>
  /** Stores a local file and returns its artifact (usable as a run input). */
  readonly upload: (file: string) => Promise<ArtifactView>
  readonly close: () => Promise<void>
}

/** An artifact as the CLI shows it, the same in both modes: the store's metadata without its key and free-form extras. */
export interface ArtifactView extends Omit<ArtifactMeta, "key" | "metadata" | "partial"> {
  /** The run that wrote it was canceled or failed mid-write. */
  readonly partial: boolean
}

/** The store's metadata → the CLI's view. */
export const artifactView = (m: ArtifactMeta): ArtifactView => ({
  id: m.id,
  runId: m.runId,
  name: m.name,
  size: m.size,
  sha256: m.sha256,
  contentType: m.contentType,
  createdAt: m.createdAt,
  partial: m.partial === true
})

/** The artifact ids of an upload or artifact input, in order: each file of an upload is sent (one at a time, in order) with `send`. */
export const inputArtifactIds = async (
  input: Extract<ClientInput, { type: "upload" | "artifact" }>,
  send: (file: string) => Promise<string>
): Promise<ReadonlyArray<string>> => {
  if (input.type === "artifact") return input.ids
  const ids: Array<string> = []
  for (const file of input.files) ids.push(await send(file))
  return ids
}
