import { newStreamState, observeFrame, summariseStream, type StreamState } from "./checksum-counter-state.js"
import { createStreamIndex, type StreamIndex } from "./stream-index.js"
import type { ChecksumCounterReport } from "./checksum-counter-report.js"

export type { ChecksumByte, ChecksumCounterReport, ChecksumRule, CounterField } from "./checksum-counter-report.js"

export interface ChecksumCounterOptions {
  /** Fewest frame pairs before anything is flagged (default 16). */
  readonly minPairs?: number
  /** Share of pairs that must increment by 1 for a COUNTER (default 0.9). */
  readonly counterRatio?: number
  /** Share of frames that must satisfy a known checksum sum (default 0.98). */
  readonly checksumRatio?: number
}

/**
 * Streaming heuristics that find CHECKSUM bytes and COUNTER fields in observed payloads, per
 * (bus, address) stream: counters are 2- to 8-bit fields inside one byte (within the first 8
 * bytes) that go up by 1 mod 2^width from frame to frame; checksums are bytes matching the Subaru or
 * Toyota sum (trusted only once it kept matching while the bytes it covers changed), or a byte 0
 * that changes with the rest of the payload, never alone, and as a function of it. A checksum that
 * is really noise in byte 0 cannot be told apart. Constant memory per stream.
 */
export interface ChecksumCounterDetector {
  readonly observe: (bus: number, address: number, data: Uint8Array) => void
  readonly report: (bus: number, address: number) => ChecksumCounterReport | undefined
  readonly reports: () => ChecksumCounterReport[]
  readonly streams: StreamIndex
}

/** Creates a ChecksumCounterDetector. `bus` is the caller's stream key, usually the raw `src`. */
export const createChecksumCounterDetector = (options: ChecksumCounterOptions = {}): ChecksumCounterDetector => {
  const minPairs = options.minPairs ?? 16
  const counterRatio = options.counterRatio ?? 0.9
  const checksumRatio = options.checksumRatio ?? 0.98
  const streams = createStreamIndex()
  const states: StreamState[] = []
  const report = (s: number) => summariseStream(streams.keyOf(s), states[s], minPairs, counterRatio, checksumRatio)
  return {
    streams,
    observe: (bus, address, data) => {
      const s = streams.intern(bus, address)
      observeFrame(states[s] ?? (states[s] = newStreamState()), address, data)
    },
    report: (bus, address) => {
      const s = streams.find(bus, address)
      return s < 0 ? undefined : report(s)
    },
    reports: () => Array.from({ length: streams.size() }, (_, s) => report(s))
  }
}
