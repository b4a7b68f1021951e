import { runDefinedTool } from "../tools/run-defined-tool.js"
import { Cause, Deferred, Effect, Exit, Option, Schema, Stream } from "effect"
import { ToolError } from "../../model/errors.js"
import { toWireError } from "../../model/error-schema.js"
import type { ArtifactStoreService } from "../artifacts/artifact-store.js"
import { isSafeName } from "../artifacts/artifact-keys.js"
import type { ArtifactBody, ToolContext, ToolDefinition } from "../tools/define-tool.js"
import { makeArtifactInputReads, readArtifactInputPromise } from "./artifact-input-reads.js"
import type { OpenedInput } from "./ranged-input.js"
import { openRunInput } from "./run-input.js"
import type { ToolRun, WorkerOutcome } from "./run-worker.js"

const encoder = new TextEncoder()

const bodyStream = (body: ArtifactBody): Stream.Stream<Uint8Array, ToolError> => {
  if (typeof body === "string") return Stream.make(encoder.encode(body))
  if (body instanceof Uint8Array) return Stream.make(body)
  const toBytes = (part: Uint8Array | string) => (typeof part === "string" ? encoder.encode(part) : part)
  const onError = (e: unknown) => new ToolError({ code: "artifact_aborted", message: `Writing an artifact failed in the tool: ${String(e)}` })
  return Symbol.asyncIterator in body
    ? Stream.map(Stream.fromAsyncIterable(body as AsyncIterable<Uint8Array | string>, onError), toBytes)
    : Stream.map(Stream.fromIterable(body as Iterable<Uint8Array | string>), toBytes)
}

/** Runs one job of `tools` on the calling thread (the in-process ToolRunner); artifact inputs are read through `store` as in a worker. */
export const runInProcess = (tools: ReadonlyArray<ToolDefinition>, run: ToolRun, store: ArtifactStoreService): Effect.Effect<WorkerOutcome> =>
  Effect.gen(function* () {
    const { job, hooks } = run
    const tool = tools.find(t => t.id === job.toolId)
    if (!tool)
      return { _tag: "failed", error: { _tag: "SystemError", code: "unknown_tool", message: `Tool ${job.toolId} is not available in process` } } as const
    const params = Schema.decodeUnknownEither(tool.params, { onExcessProperty: "error" })(job.params)
    if (params._tag === "Left")
      return {
        _tag: "failed",
        error: { _tag: "ValidationError", code: "invalid_param", message: `Params for tool ${tool.id}: ${params.left.message}` }
      } as const
    const read = readArtifactInputPromise(yield* makeArtifactInputReads(store, job.inputs))
    const opened = yield* Effect.either(
      Effect.tryPromise({
        try: () => Promise.all(job.inputs.map((input, i) => openRunInput(input, i, read, sha => Effect.runFork(hooks.inputHashed(i, sha))))),
        catch: e => e
      })
    )
    if (opened._tag === "Left") return { _tag: "failed", error: toWireError(opened.left) } as const
    const inputs: ReadonlyArray<OpenedInput> = opened.right
    const controller = new AbortController()
    const context: ToolContext<unknown> = {
      runId: job.runId,
      toolVersion: job.toolVersion,
      params: params.right,
      input: inputs[0]!,
      inputs,
      log: (level, message, data) => void Effect.runFork(hooks.log(level, "tool", message, data)),
      progress: (fraction, note) => void Effect.runFork(hooks.progress(fraction, note)),
      artifacts: {
        write: async (name, contentType, body, metadata) => {
          if (!isSafeName(name))
            throw new ToolError({ code: "invalid_artifact_name", message: `Artifact name ${JSON.stringify(name)} is not a safe file name` })
          let meta: Record<string, unknown> | undefined
          const ended = Stream.concat(
            bodyStream(body),
            Stream.fromEffect(
              Effect.promise(async () => {
                meta = typeof metadata === "function" ? await metadata() : metadata
              })
            ).pipe(Stream.drain)
          )
          const spec = {
            key: `runs/${job.runId}/${name}`,
            name,
            contentType,
            runId: job.runId,
            get metadata() {
              return meta
            }
          }
          return Effect.runPromise(Effect.tap(store.put(spec, ended), hooks.artifactStored))
        }
      },
      signal: controller.signal,
      ...(job.readLimits ? { readLimits: job.readLimits } : {})
    }
    const stopped = Effect.raceFirst(Effect.as(Deferred.await(run.cancel), "canceled" as const), Effect.as(Effect.sleep(run.timeoutMs), "timeout" as const))
    const outcome = yield* Effect.raceFirst(
      Effect.exit(Effect.suspend(() => runDefinedTool(tool, context))).pipe(Effect.map(exit => ({ exit }))),
      Effect.map(stopped, reason => (controller.abort(reason), { reason }))
    )
    const closeInputs = Effect.promise(() => Promise.all(inputs.map(i => i.close())))
    if ("reason" in outcome) return yield* Effect.as(closeInputs, { _tag: "stopped", reason: outcome.reason } as const)
    const exit = outcome.exit
    if (Exit.isSuccess(exit)) {
      const hashed = yield* Effect.either(Effect.tryPromise({ try: () => Promise.all(inputs.map(i => i.digest())), catch: e => e }))
      yield* closeInputs
      if (hashed._tag === "Left") return { _tag: "failed", error: toWireError(hashed.left) } as const
      return { _tag: "completed", summary: exit.value?.summary ?? {} } as const
    }
    yield* closeInputs
    const failure = Cause.failureOption(exit.cause)
    return { _tag: "failed", error: toWireError(Option.isSome(failure) ? failure.value : Cause.squash(exit.cause)) } as const
  }).pipe(Effect.scoped)
