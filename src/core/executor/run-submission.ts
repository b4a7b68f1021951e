import { Effect, Schema } from "effect"
import { ValidationError, type CtsError } from "../../model/errors.js"
import type { RunRecord } from "../../model/run.js"
import { ArtifactStore } from "../artifacts/artifact-store.js"
import { CtsConfig } from "../config.js"
import { DEFAULT_MAX_INPUT_BYTES_PER_RUN, DEFAULT_MAX_INPUTS_PER_RUN } from "../config-defaults.js"
import { ToolRegistry } from "../registry/tool-registry.js"
import { ToolSources } from "../registry/tool-registry-live.js"
import { newId } from "../store/ids.js"
import type { SubmitRequest } from "./executor.js"
import { precheckInputs } from "./input-precheck.js"
import { checkInputs } from "./input-resolver.js"
import type { QueuedRun } from "./run-queue.js"

/** Longest timeout a run may ask for: 7 days. */
export const MAX_TIMEOUT_MS = 7 * 24 * 3600 * 1000

/** The services `validateSubmission` reads. */
export type SubmissionServices = CtsConfig | ToolRegistry | ToolSources | ArtifactStore

/**
 * Checks everything about a submit before a run exists (tool, params, timeout, inputs, the tool's
 * precheck) and builds the queued record and the job a node runs. Reads no input's content.
 */
export const validateSubmission = (
  req: SubmitRequest
): Effect.Effect<{ readonly record: RunRecord; readonly queued: QueuedRun }, CtsError, SubmissionServices> =>
  Effect.gen(function* () {
    const config = yield* CtsConfig
    const registry = yield* ToolRegistry
    const sources = yield* ToolSources
    const tool = yield* registry.get(req?.toolId)
    const decoded = yield* registry.decodeParams(req.toolId, req.params)
    const encoded = Schema.encodeUnknownEither(tool.params)(decoded)
    const params = (encoded._tag === "Right" ? encoded.right : (req.params ?? {})) as Record<string, unknown>
    if (req.timeoutMs !== undefined && !(Number.isInteger(req.timeoutMs) && req.timeoutMs > 0 && req.timeoutMs <= MAX_TIMEOUT_MS)) {
      return yield* new ValidationError({
        code: "invalid_timeout",
        message: `timeoutMs must be a whole number of ms between 1 and ${MAX_TIMEOUT_MS}, got ${req.timeoutMs}`
      })
    }
    const timeoutMs = req.timeoutMs ?? tool.defaultTimeoutMs ?? config.defaultTimeoutMs
    const limits = {
      maxInputs: config.maxInputsPerRun ?? DEFAULT_MAX_INPUTS_PER_RUN,
      maxInputBytes: config.maxInputBytesPerRun ?? DEFAULT_MAX_INPUT_BYTES_PER_RUN
    }
    const store = yield* ArtifactStore
    const inputs = yield* checkInputs(tool, req.input, config.inputRoots, limits, store)
    yield* precheckInputs(
      tool,
      inputs.map(i => i.worker),
      decoded,
      store
    )
    const id = newId("run")
    const record: RunRecord = {
      id,
      toolId: tool.id,
      toolVersion: tool.version,
      name: req.name ?? null,
      owner: req.owner ?? null,
      status: "queued",
      params,
      inputs: inputs.map(i => i.record),
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      timeoutMs,
      progress: null,
      error: null,
      summary: null,
      artifactIds: []
    }
    const job = {
      runId: id,
      toolId: tool.id,
      toolVersion: tool.version,
      moduleUrl: sources.moduleOf(tool.id),
      params,
      inputs: inputs.map(i => i.worker),
      ...(config.logReadLimits !== undefined ? { readLimits: config.logReadLimits } : {})
    }
    return { record, queued: { runId: id, job, timeoutMs, ...(tool.stopGraceMs !== undefined ? { stopGraceMs: tool.stopGraceMs } : {}) } }
  })
