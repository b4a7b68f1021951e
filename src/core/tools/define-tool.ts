import type { Effect, Schema } from "effect"
import type { CtsError } from "../errors.js"
import type { ArtifactMeta } from "../artifacts/artifact-store.js"
import type { ReadLimits } from "../log/log-limits.js"

/** What kind of file a tool takes. */
export type InputKind = "rlog" | "can-csv" | "dbc"

/** An accepted input, as capabilities show it. */
export interface ToolInputSpec {
  readonly kind: InputKind
  readonly description: string
  /** More than one file accepted (a route's segments, read in order as one stream). */
  readonly multiple?: boolean
  /** The tool also runs without it (a monitor reading a live panda). */
  readonly optional?: boolean
}

/** A produced artifact, as capabilities show it. */
export interface ToolOutputSpec {
  readonly name: string
  readonly contentType: string
  readonly description: string
}

/** A run's input once resolved by the executor: a re-openable byte stream plus its identity. */
export interface ResolvedInput {
  readonly name: string
  readonly size: number
  /**
   * The whole file's sha256 once known: an uploaded artifact's stored hash, or, for a path input,
   * set when the tool's reads (or `digest`) reach the end of the file; null before.
   */
  readonly sha256: string | null
  /**
   * The declared kind the core found this input to be from its first bytes, before `run` (absent when
   * the tool opts out with `checkInputKinds: false`). Tools sort their inputs by it instead of reading them.
   */
  readonly kind?: InputKind
  /** Opens a fresh stream over the bytes; may be called more than once (the file is hashed once). */
  readonly open: () => AsyncIterable<Uint8Array>
  /** The whole file's sha256, hashing only the part no read has covered yet (nothing when the tool read it all). */
  readonly digest: () => Promise<string>
}

export type LogLevel = import("../../model/run-event.js").LogLevel

/** Structured detail a log line may carry besides its message (JSON values), e.g. a monitor's live `table`. */
export type LogData = import("../../model/run-event.js").LogData

/** An artifact's free-form metadata, given up front or computed when its body has ended. */
export type ArtifactMetadata = Record<string, unknown> | (() => Record<string, unknown> | Promise<Record<string, unknown>>)

/** Bytes a tool hands to the artifact store: streamed chunks or one small buffer/string. */
export type ArtifactBody = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | Uint8Array | string

/** Everything a tool may touch while it runs. Tools never write to paths themselves. */
export interface ToolContext<P> {
  readonly runId: string
  readonly toolVersion: string
  readonly params: P
  /** The first (often only) input. */
  readonly input: ResolvedInput
  /** All inputs in order (route segments). */
  readonly inputs: ReadonlyArray<ResolvedInput>
  /** One line of the run's log; `data` is carried with it to followers (SSE, WebSocket, `--json`). */
  readonly log: (level: LogLevel, message: string, data?: LogData) => void
  /** Fraction in [0, 1]; cheap to call often (throttled by the executor). */
  readonly progress: (fraction: number, note?: string) => void
  readonly artifacts: {
    /**
     * Streams an artifact into the store. `metadata` may be a function: it is called once the body
     * has ended, for values known only then (such as the inputs' sha256 after a streamed pass).
     */
    readonly write: (name: string, contentType: string, body: ArtifactBody, metadata?: ArtifactMetadata) => Promise<ArtifactMeta>
  }
  /** Aborted on cancel or timeout; long loops must check it (or `throwIfAborted`). */
  readonly signal: AbortSignal
  /** Log reader limits from the config; pass them to `openLog` (`{ limits: ctx.readLimits }`). Absent = defaults. */
  readonly readLimits?: Partial<ReadLimits>
}

/** What a finished run reports besides its artifacts. */
export interface ToolResult {
  readonly summary: Record<string, unknown>
}

/** Where a monitor's CAN can come from: a recorded log, a simulated panda replaying one, or a real panda. */
export type MonitorSourceKind = "log" | "simulate" | "panda"

/** A tool: metadata for the registry plus its run function. */
export interface ToolDefinition<P = any, I = any> {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly category: "analyzer" | "monitor"
  readonly version: string
  /** Params schema: decoding applies defaults; its JSON Schema is what capabilities show. */
  readonly params: Schema.Schema<P, I>
  readonly inputs: ReadonlyArray<ToolInputSpec>
  readonly outputs: ReadonlyArray<ToolOutputSpec>
  /**
   * Time (ms) the tool gets after a cancel to finish on its own before its worker is terminated
   * (default 300). Given, the tool's log lines and summary during that time are kept (monitors close
   * their capture this way).
   */
  readonly stopGraceMs?: number
  /** Default timeout in ms; a run may override it. */
  readonly defaultTimeoutMs?: number
  /** Monitors: the sources it can read (`log`, `simulate`, `panda`); without `log` or `simulate` it requires hardware. */
  readonly sources?: ReadonlyArray<MonitorSourceKind>
  /**
   * The core reads each input's first bytes and refuses a kind not declared in `inputs`
   * (`wrong_input_type`) when a run is submitted and again before `run` (which then sees `input.kind`).
   * Default true; `false` for a tool that takes any bytes.
   */
  readonly checkInputKinds?: boolean
  /**
   * Checks that need the inputs but no heavy work (e.g. a DBC input that must parse), run when a
   * run is submitted, after the inputs' kinds are checked against `inputs`: a failure refuses the
   * submit and no run record is made. It runs on the submitting thread, so it must stay cheap.
   */
  readonly precheck?: (ctx: { readonly inputs: ReadonlyArray<ResolvedInput>; readonly params: P }) => Effect.Effect<void, CtsError>
  /**
   * The tool's work: an Effect failing with a typed error, or a Promise (an `async` function) whose
   * thrown ValidationError/ToolError/SystemError is kept and anything else becomes `internal_error`.
   * Runs in a worker thread, after the core has checked the inputs' kinds.
   */
  readonly run: (ctx: ToolContext<P>) => Effect.Effect<ToolResult, CtsError> | Promise<ToolResult>
}

/** Declares a tool (identity function that fixes the params type); `run` may return an Effect or a Promise. */
export const defineTool = <P, I>(def: ToolDefinition<P, I>): ToolDefinition<P, I> => def
