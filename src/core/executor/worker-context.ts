import { format } from "node:util"
import type { MessagePort } from "node:worker_threads"
import type { ArtifactMeta } from "../artifacts/artifact-store.js"
import { errorFromWire } from "../../model/error-schema.js"
import type { ArtifactBody, ArtifactMetadata, LogData, LogLevel, ToolContext } from "../tools/define-tool.js"
import type { OpenedInput } from "./ranged-input.js"
import { openRunInput } from "./run-input.js"
import { makeWorkerInputReads } from "./worker-input-reads.js"
import type { FromWorker, ToWorker, WireError, WorkerJob } from "./worker-protocol.js"

const CHUNK_BYTES = 64 * 1024
const MAX_IN_FLIGHT = 8
const PROGRESS_EVERY_MS = 200
/** Log lines (tool and console) a worker sends at most; the executor keeps the same cap. */
const MAX_LOG_LINES = 20_000

export { errorFromWire }

async function* bytesOf(body: ArtifactBody): AsyncIterable<Uint8Array> {
  const encoder = new TextEncoder()
  if (typeof body === "string") yield encoder.encode(body)
  else if (body instanceof Uint8Array) yield body
  else for await (const part of body as AsyncIterable<Uint8Array | string>) yield typeof part === "string" ? encoder.encode(part) : part
}

/** The worker half of the executor link: builds the ToolContext and streams artifacts with back-pressure. */
export const makeWorkerLink = (port: MessagePort, job: WorkerJob, signal: AbortSignal) => {
  const post = (msg: FromWorker, transfer?: ReadonlyArray<ArrayBuffer>) => port.postMessage(msg, transfer as Array<ArrayBuffer> | undefined)
  const writes = new Map<number, { inFlight: number; wake: (() => void) | null; settle: (m: ArtifactMeta | WireError) => void }>()
  const pendingWrites = new Set<Promise<unknown>>()
  let nextWriteId = 0
  const inputReads = makeWorkerInputReads(post)

  port.on("message", (msg: ToWorker) => {
    if (msg.type === "abort" || msg.type === "start" || inputReads.receive(msg)) return
    const w = writes.get(msg.writeId)
    if (!w) return
    if (msg.type === "artifact-ack") {
      w.inFlight--
      w.wake?.()
    } else {
      writes.delete(msg.writeId)
      w.settle(msg.type === "artifact-done" ? msg.meta : msg.error)
      w.wake?.()
    }
  })

  const write = (name: string, contentType: string, body: ArtifactBody, metadata?: ArtifactMetadata): Promise<ArtifactMeta> => {
    const writeId = ++nextWriteId
    let settled: ArtifactMeta | WireError | null = null
    const result = new Promise<ArtifactMeta>((resolve, reject) => {
      const state = {
        inFlight: 0,
        wake: null as (() => void) | null,
        settle: (m: ArtifactMeta | WireError) => {
          settled = m
          if ("_tag" in m) reject(errorFromWire(m))
          else resolve(m)
        }
      }
      writes.set(writeId, state)
      post({ type: "artifact-open", writeId, name, contentType, ...(metadata && typeof metadata !== "function" ? { metadata } : {}) })
      const send = async (bytes: Uint8Array) => {
        while (state.inFlight >= MAX_IN_FLIGHT && settled === null) await new Promise<void>(r => (state.wake = r))
        state.wake = null
        if (settled !== null) return
        state.inFlight++
        post({ type: "artifact-chunk", writeId, chunk: bytes }, [bytes.buffer as ArrayBuffer])
      }
      const pump = async () => {
        let buffer = new Uint8Array(CHUNK_BYTES)
        let used = 0
        for await (const part of bytesOf(body)) {
          signal.throwIfAborted()
          let offset = 0
          while (offset < part.byteLength && settled === null) {
            const n = Math.min(part.byteLength - offset, CHUNK_BYTES - used)
            buffer.set(part.subarray(offset, offset + n), used)
            used += n
            offset += n
            if (used === CHUNK_BYTES) {
              await send(buffer)
              buffer = new Uint8Array(CHUNK_BYTES)
              used = 0
            }
          }
          if (settled !== null) return
        }
        if (used > 0) await send(buffer.slice(0, used))
        const late = typeof metadata === "function" ? await metadata() : undefined
        post({ type: "artifact-close", writeId, ...(late ? { metadata: late } : {}) })
      }
      pump().catch(e => {
        if (settled !== null) return
        post({ type: "artifact-abort", writeId, message: e instanceof Error ? e.message : String(e) })
        writes.delete(writeId)
        reject(e)
      })
    })
    const tracked = result.catch(() => undefined)
    pendingWrites.add(tracked)
    void tracked.finally(() => pendingWrites.delete(tracked))
    return result
  }

  let lastProgressAt = 0
  let pendingProgress: { fraction: number; note?: string } | null = null
  let progressTimer: ReturnType<typeof setTimeout> | null = null
  const flushProgress = () => {
    progressTimer = null
    if (!pendingProgress) return
    lastProgressAt = Date.now()
    post({ type: "progress", ...pendingProgress })
    pendingProgress = null
  }
  const progress = (fraction: number, note?: string) => {
    if (!Number.isFinite(fraction)) return
    pendingProgress = { fraction: Math.min(1, Math.max(0, fraction)), ...(note !== undefined ? { note: String(note) } : {}) }
    const wait = lastProgressAt + PROGRESS_EVERY_MS - Date.now()
    if (wait <= 0) flushProgress()
    else progressTimer ??= setTimeout(flushProgress, wait)
  }

  let logLines = 0
  const sendLog = (level: LogLevel, source: "tool" | "console", message: string, data?: LogData) => {
    if (++logLines > MAX_LOG_LINES + 1) return
    post({ type: "log", level, source, message, ...(data ? { data } : {}) })
  }
  const log = (level: LogLevel, message: string, data?: LogData) => sendLog(level, "tool", String(message), data)

  const inputs: Array<OpenedInput> = []
  /**
   * Opens every input before the tool starts: a path input once, checked against its identity at
   * submit (fails with the first refusal); an artifact input as reads through the executor's store.
   */
  const openInputs = async () => {
    for (const [index, input] of job.inputs.entries()) {
      inputs.push(await openRunInput(input, index, inputReads.read, sha256 => post({ type: "input-hashed", index, sha256, size: input.size })))
    }
  }
  /** Hashes what the tool did not read of each input, so a completed run records every sha256. */
  const digestInputs = () => Promise.all(inputs.map(i => i.digest()))
  const closeInputs = () => Promise.all(inputs.map(i => i.close().catch(() => undefined)))

  const captureConsole = () => {
    const levels: Record<string, LogLevel> = { log: "info", info: "info", debug: "debug", trace: "debug", warn: "warn", error: "error" }
    for (const [method, level] of Object.entries(levels)) {
      ;(console as unknown as Record<string, unknown>)[method] = (...args: Array<unknown>) => sendLog(level, "console", format(...args))
    }
  }

  const context = <P>(params: P): ToolContext<P> => ({
    runId: job.runId,
    toolVersion: job.toolVersion,
    params,
    input: inputs[0] ?? { name: "", size: 0, sha256: null, open: async function* () {}, digest: () => Promise.reject(new Error("The run has no input")) },
    inputs,
    log,
    progress,
    artifacts: { write },
    readLimits: job.readLimits ?? {},
    signal
  })

  /** Sends the last throttled progress value and waits for every artifact write still streaming. */
  const drain = async () => {
    if (progressTimer) clearTimeout(progressTimer)
    flushProgress()
    while (pendingWrites.size > 0) await Promise.all([...pendingWrites])
  }

  return { post, context, captureConsole, drain, openInputs, digestInputs, closeInputs }
}
