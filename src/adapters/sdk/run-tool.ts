import { createWriteStream } from "node:fs"
import { mkdir } from "node:fs/promises"
import path from "node:path"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web"
import { Effect } from "effect"
import { safeFileName } from "../../core/artifacts/artifact-keys.js"
import { fsError } from "../../core/artifacts/fs-errors.js"
import { ToolError } from "../../core/errors.js"
import type { RunError, RunStatus } from "../../core/executor/executor.js"
import type { RunEvent } from "../../core/run-events/log-stream.js"
import { ToolRegistry, type ToolInfo } from "../../core/registry/tool-registry.js"
import { ToolRegistryLive } from "../../core/registry/tool-registry-live.js"
import { createCts, type CreateCtsOptions, type CtsClient, type InputSpec } from "./create-cts.js"
import { errorOfCause } from "./effect-bridge.js"

export interface RunToolOptions {
  readonly input: InputSpec
  readonly params?: Record<string, unknown>
  /** Write the run's artifacts into this directory (created if needed) under safe file names — only when the run completed. */
  readonly outDir?: string
  readonly onLog?: (event: Extract<RunEvent, { type: "log" }>) => void
  readonly onProgress?: (fraction: number, note?: string) => void
  /** Aborting it cancels the run; the result then has status `canceled`. */
  readonly signal?: AbortSignal
  readonly timeoutMs?: number
  readonly name?: string
  /** Reuse a long-lived client instead of starting (and closing) one for this call. */
  readonly cts?: CtsClient
  /** Options of the client started for this call (data dir, extra tool modules…). */
  readonly config?: CreateCtsOptions
}

export interface RunToolArtifact {
  readonly id: string
  readonly name: string
  readonly size: number
  readonly sha256: string
  readonly contentType: string
  /** Set when the run did not complete: the file set may be incomplete. */
  readonly partial?: boolean
  /** Where the artifact was written (with `outDir`). */
  readonly path?: string
}

export interface RunToolResult {
  readonly runId: string
  readonly status: RunStatus
  readonly summary: Record<string, unknown> | null
  readonly error: RunError | null
  readonly artifacts: ReadonlyArray<RunToolArtifact>
}

const ignoreThrow = (f: () => void) => {
  try {
    f()
  } catch {
    // a caller's callback must not break the run
  }
}

/**
 * Runs one tool to the end and returns its outcome. Resolves for completed, failed and canceled runs
 * (see `status`/`error`); rejects with a ValidationError before any run starts (unknown tool, bad
 * params, missing input) or a SystemError (storage).
 */
export const runTool = async (toolId: string, options: RunToolOptions): Promise<RunToolResult> => {
  if (options.signal?.aborted) throw new ToolError({ code: "canceled", message: "The run was canceled before it started" })
  const cts = options.cts ?? (await createCts(options.config))
  try {
    const submitted = await cts.submit(toolId, {
      input: options.input,
      ...(options.params ? { params: options.params } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.name !== undefined ? { name: options.name } : {})
    })
    const onAbort = () => void cts.cancel(submitted.id).catch(() => undefined)
    options.signal?.addEventListener("abort", onAbort, { once: true })
    try {
      for await (const event of cts.logs(submitted.id, { follow: true })) {
        if (event.type === "log" && options.onLog) ignoreThrow(() => options.onLog!(event))
        if (event.type === "progress" && options.onProgress) ignoreThrow(() => options.onProgress!(event.fraction, event.note))
      }
    } finally {
      options.signal?.removeEventListener("abort", onAbort)
    }
    const run = await cts.wait(submitted.id)
    const metas = await cts.artifacts(run.id)
    const artifacts: Array<RunToolArtifact> = []
    if (options.outDir && run.status === "completed") await mkdir(options.outDir, { recursive: true }).catch(e => Promise.reject(fsError("Creating outDir")(e)))
    for (const meta of metas) {
      const base = {
        id: meta.id,
        name: meta.name,
        size: meta.size,
        sha256: meta.sha256,
        contentType: meta.contentType,
        ...(meta.partial ? { partial: true } : {})
      }
      if (!options.outDir || run.status !== "completed") {
        artifacts.push(base)
        continue
      }
      const target = path.join(options.outDir, safeFileName(meta.name))
      const { body } = await cts.download(meta.id)
      await pipeline(Readable.fromWeb(body as NodeWebReadableStream<Uint8Array>), createWriteStream(target)).catch(e =>
        Promise.reject(fsError(`Writing ${target}`)(e))
      )
      artifacts.push({ ...base, path: target })
    }
    return { runId: run.id, status: run.status, summary: run.summary, error: run.error, artifacts }
  } finally {
    if (!options.cts) await cts.close()
  }
}

/** The tools available (built-in plus those of `extraToolModules`), with params as JSON Schema. Needs no data dir. */
export const listTools = async (options: { readonly extraToolModules?: ReadonlyArray<string> } = {}): Promise<ReadonlyArray<ToolInfo>> => {
  const exit = await Effect.runPromiseExit(Effect.flatMap(ToolRegistry, r => r.list).pipe(Effect.provide(ToolRegistryLive(options.extraToolModules ?? []))))
  if (exit._tag === "Success") return exit.value
  throw errorOfCause(exit.cause)
}
