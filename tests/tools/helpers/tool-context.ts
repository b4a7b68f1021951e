import { createHash } from "node:crypto"
import { createReadStream, readFileSync, statSync } from "node:fs"
import path from "node:path"
import { Effect, Either, Schema } from "effect"
import type { ArtifactMeta } from "../../../src/core/artifacts/artifact-store.js"
import type { CtsError } from "../../../src/core/errors.js"
import type { ArtifactBody, ResolvedInput, ToolContext, ToolDefinition, ToolResult } from "../../../src/core/tools/define-tool.js"
import { runDefinedTool } from "../../../src/core/tools/run-defined-tool.js"

/** A run input backed by a file. */
export const fileInput = (file: string, name = path.basename(file)): ResolvedInput => {
  const bytes = readFileSync(file)
  const sha256 = createHash("sha256").update(bytes).digest("hex")
  return {
    name,
    size: statSync(file).size,
    sha256,
    digest: async () => sha256,
    open: () => createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Uint8Array>
  }
}

/** A run input backed by bytes in memory, handed out in chunks of `chunk` bytes. */
export const bytesInput = (name: string, bytes: Uint8Array | string, chunk = 65_536): ResolvedInput => {
  const buf = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes
  const sha256 = createHash("sha256").update(buf).digest("hex")
  return {
    name,
    size: buf.length,
    sha256,
    digest: async () => sha256,
    open: async function* () {
      for (let i = 0; i < buf.length; i += chunk) yield buf.subarray(i, Math.min(buf.length, i + chunk))
    }
  }
}

/** An artifact captured in memory. */
export interface CapturedArtifact {
  readonly name: string
  readonly contentType: string
  readonly body: Buffer
  readonly metadata: Record<string, unknown> | undefined
  readonly text: () => string
  readonly json: () => any
}

const collect = async (body: ArtifactBody): Promise<Buffer> => {
  if (typeof body === "string") return Buffer.from(body)
  if (body instanceof Uint8Array) return Buffer.from(body)
  const parts: Buffer[] = []
  for await (const c of body as AsyncIterable<Uint8Array | string>) parts.push(typeof c === "string" ? Buffer.from(c) : Buffer.from(c))
  return Buffer.concat(parts)
}

/** Outcome of a run through the test context. */
export interface TestRun {
  readonly result: ToolResult | undefined
  readonly error: CtsError | undefined
  readonly artifacts: Map<string, CapturedArtifact>
  readonly logs: Array<{ level: string; message: string }>
  readonly progress: number[]
}

/**
 * Runs a tool the way the executor does, in-process: decodes raw params with the tool's schema
 * (defaults applied, a decode failure is returned as the error), builds a ToolContext whose
 * artifacts are collected into a map, and runs the tool's Effect.
 */
export const runToolInMemory = async (
  tool: ToolDefinition,
  rawParams: Record<string, unknown>,
  inputs: ReadonlyArray<ResolvedInput>,
  options: { readonly signal?: AbortSignal; readonly runId?: string } = {}
): Promise<TestRun> => {
  const artifacts = new Map<string, CapturedArtifact>()
  const logs: Array<{ level: string; message: string }> = []
  const progress: number[] = []
  const decoded = Schema.decodeUnknownEither(tool.params, { onExcessProperty: "error" })(rawParams)
  if (Either.isLeft(decoded)) {
    const { ValidationError } = await import("../../../src/core/errors.js")
    return {
      result: undefined,
      error: new ValidationError({ code: "invalid_params", message: String(decoded.left) }),
      artifacts,
      logs,
      progress
    }
  }
  const ctx: ToolContext<unknown> = {
    runId: options.runId ?? "test-run",
    toolVersion: tool.version,
    params: decoded.right,
    input: inputs[0],
    inputs,
    log: (level, message) => logs.push({ level, message }),
    progress: f => progress.push(f),
    signal: options.signal ?? new AbortController().signal,
    artifacts: {
      write: async (name, contentType, body, given) => {
        if (artifacts.has(name)) throw new Error(`artifact ${name} written twice`)
        const buf = await collect(body)
        const metadata = typeof given === "function" ? await given() : given
        artifacts.set(name, {
          name,
          contentType,
          body: buf,
          metadata,
          text: () => buf.toString("utf8"),
          json: () => JSON.parse(buf.toString("utf8"))
        })
        const meta: ArtifactMeta = {
          id: name,
          key: `runs/test/${name}`,
          runId: "test-run",
          name,
          size: buf.length,
          sha256: createHash("sha256").update(buf).digest("hex"),
          contentType,
          createdAt: new Date(0).toISOString(),
          ...(metadata !== undefined ? { metadata } : {})
        }
        return meta
      }
    }
  }
  const exit = await Effect.runPromise(Effect.either(runDefinedTool(tool, ctx)))
  return Either.isRight(exit)
    ? { result: exit.right, error: undefined, artifacts, logs, progress }
    : { result: undefined, error: exit.left, artifacts, logs, progress }
}
