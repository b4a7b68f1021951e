import { errorFromWire } from "../../model/error-schema.js"
import type { ReadArtifactInput } from "./run-input.js"
import type { FromWorker, ToWorker } from "./worker-protocol.js"

/**
 * The worker half of artifact input reads: `read` posts `input-read` and resolves with the
 * executor's `input-data` (or rejects with the typed error of `input-error`); `receive` takes those
 * answers from the port and returns whether the message was one.
 */
export const makeWorkerInputReads = (post: (msg: FromWorker) => void) => {
  const waiting = new Map<number, { readonly resolve: (chunk: Uint8Array) => void; readonly reject: (e: unknown) => void }>()
  let nextReadId = 0
  const read: ReadArtifactInput = (index, offset, length) =>
    new Promise((resolve, reject) => {
      const readId = ++nextReadId
      waiting.set(readId, { resolve, reject })
      post({ type: "input-read", index, readId, offset, length })
    })
  const receive = (msg: ToWorker): msg is Extract<ToWorker, { type: "input-data" | "input-error" }> => {
    if (msg.type !== "input-data" && msg.type !== "input-error") return false
    const w = waiting.get(msg.readId)
    waiting.delete(msg.readId)
    if (msg.type === "input-data") w?.resolve(msg.chunk)
    else w?.reject(errorFromWire(msg.error))
    return true
  }
  return { read, receive }
}
