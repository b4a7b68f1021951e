import { Either, JSONSchema, ParseResult, Schema } from "effect"
import type { ArtifactMeta } from "../../model/artifact.js"
import type { InputRef, RunRecord } from "../../model/run.js"
import type { RunEvent } from "../../model/run-event.js"
import { clip, LISTED_AT_MOST, listFew } from "../../core/util/list-few.js"
import { hintFor } from "../../core/hints.js"
import { ApiError } from "./api-error.js"
import { httpHints } from "./http-hints.js"
import type { ArtifactWire, RunEventWire, RunWire } from "./wire-schemas.js"

const InputBody = Schema.Struct({
  type: Schema.Literal("path", "upload").annotations({
    description: "`path`: a file under the server's input roots; `upload`: the artifact id returned by POST /v1/uploads."
  }),
  value: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(4096))
})

/** Body of `POST /v1/runs`. */
export const RunCreateBody = Schema.Struct({
  tool_id: Schema.String.annotations({ description: "A tool id from GET /v1/capabilities." }),
  params: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })).annotations({
    description: "Tool params; validated by the tool's schema (see capabilities)."
  }),
  input: Schema.optional(Schema.Union(InputBody, Schema.Array(InputBody).pipe(Schema.maxItems(1000)))).annotations({
    description: "One input, or several read in order (route segments); omit for tools that take none."
  }),
  name: Schema.optional(Schema.String.pipe(Schema.maxLength(200))),
  timeout_s: Schema.optional(Schema.Number.pipe(Schema.positive(), Schema.lessThanOrEqualTo(7 * 24 * 3600)))
}).annotations({ identifier: "RunCreate" })
export type RunCreateBody = typeof RunCreateBody.Type

/** Body of `POST /v1/artifacts/:id/url`. */
export const SignedUrlBody = Schema.Struct({
  ttl_s: Schema.optional(Schema.Int.pipe(Schema.positive()))
}).annotations({ identifier: "SignedUrlRequest" })

/** JSON Schema of an Effect Schema, for OpenAPI. */
export const jsonSchemaOf = (schema: Schema.Schema<any, any>): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = JSONSchema.make(schema) as unknown as Record<string, unknown>
  return rest
}

/** Decodes a request body strictly (unknown keys refused); failures are 422 with every issue listed. */
export const decodeBody = <A, I>(schema: Schema.Schema<A, I>, body: unknown, what: string): A => {
  const result = Schema.decodeUnknownEither(schema, { onExcessProperty: "error", errors: "all" })(body)
  if (Either.isRight(result)) return result.right
  const issues = ParseResult.ArrayFormatter.formatErrorSync(result.left).map(i => ({ path: clip(i.path.join(".")), message: clip(i.message) }))
  throw new ApiError(
    422,
    "invalid_body",
    `The ${what} body is invalid: ${listFew(
      issues.map(i => `${i.path || "(body)"}: ${i.message}`),
      "; "
    )}`,
    {
      details: { issues: issues.slice(0, LISTED_AT_MOST), issue_count: issues.length },
      suggestedAction: "Fix the listed fields; see GET /v1/openapi.json for the request schema."
    }
  )
}

/** `scheme:` of two or more characters (a one-letter prefix is a Windows drive). */
const urlLike = /^[A-Za-z][A-Za-z0-9+.-]+:/

/** Wire input → core InputRef; URLs are refused outright. */
export const toInputRef = (input: { readonly type: "path" | "upload"; readonly value: string }): InputRef => {
  if (input.type === "upload") return { type: "artifact", id: input.value }
  if (urlLike.test(input.value)) {
    throw new ApiError(422, "input_url_not_allowed", "A `path` input must be a file path on the server, not a URL.", {
      details: { value: input.value.slice(0, 200) },
      suggestedAction: 'Upload the file with POST /v1/uploads and pass {type: "upload", value: <id>}.'
    })
  }
  return { type: "path", path: input.value }
}

const wireInput = (ref: InputRef) => (ref.type === "path" ? { type: "path" as const, value: ref.path } : { type: "upload" as const, value: ref.id })

/** A run as the API shows it, with absolute links. */
export const runToWire = (run: RunRecord, baseUrl: string): RunWire => {
  const self = `${baseUrl}/v1/runs/${run.id}`
  return {
    id: run.id,
    tool_id: run.toolId,
    tool_version: run.toolVersion,
    name: run.name,
    status: run.status,
    params: run.params,
    inputs: run.inputs.map(i => ({ name: i.name, size: i.size, sha256: i.sha256, ...wireInput(i.ref) })),
    created_at: run.createdAt,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    timeout_ms: run.timeoutMs,
    progress: run.progress,
    error: run.error && {
      category: run.error.category,
      code: run.error.code,
      message: run.error.message,
      suggested_actions: [hintFor(httpHints, run.error)].filter(hint => hint !== undefined)
    },
    summary: run.summary,
    artifact_ids: run.artifactIds,
    links: { self, logs: `${self}/logs`, stream: `${self}/logs/stream`, artifacts: `${self}/artifacts`, bundle: `${self}/bundle` }
  }
}

const runJsonCache = new WeakMap<RunRecord, { readonly baseUrl: string; readonly bytes: Uint8Array<ArrayBuffer> }>()

/**
 * The UTF-8 bytes of `JSON.stringify(runToWire(run, baseUrl))`, computed once per record object: records
 * are never mutated (every change to a run makes a new record), so a repeated read of an unchanged run
 * reuses the bytes, and a changed run (a new record) is encoded afresh.
 */
export const runJsonBytes = (run: RunRecord, baseUrl: string): Uint8Array<ArrayBuffer> => {
  const hit = runJsonCache.get(run)
  if (hit !== undefined && hit.baseUrl === baseUrl) return hit.bytes
  const bytes = Buffer.from(JSON.stringify(runToWire(run, baseUrl)), "utf8")
  runJsonCache.set(run, { baseUrl, bytes })
  return bytes
}

/** Artifact metadata as the API shows it, with absolute URLs. */
export const artifactToWire = (meta: ArtifactMeta, baseUrl: string): ArtifactWire => ({
  id: meta.id,
  run_id: meta.runId,
  name: meta.name,
  size: meta.size,
  sha256: meta.sha256,
  content_type: meta.contentType,
  created_at: meta.createdAt,
  partial: meta.partial ?? false,
  urls: {
    self: `${baseUrl}/v1/artifacts/${meta.id}`,
    download: `${baseUrl}/v1/artifacts/${meta.id}/download`,
    sign: `${baseUrl}/v1/artifacts/${meta.id}/url`
  }
})

/** A run event as logs pages and SSE `data:` show it. */
export const eventToWire = (e: RunEvent): RunEventWire => {
  switch (e.type) {
    case "log":
      return { seq: e.seq, type: e.type, time: e.time, level: e.level, source: e.source, message: e.message, ...(e.data ? { data: e.data } : {}) }
    case "progress":
      return { seq: e.seq, type: e.type, time: e.time, fraction: e.fraction, note: e.note ?? null }
    case "status":
    case "end":
      return { seq: e.seq, type: e.type, time: e.time, status: e.status }
  }
}
