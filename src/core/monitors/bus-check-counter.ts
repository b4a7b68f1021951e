import { streamId, streamLabel, type StreamKey } from "./expected-streams.js"

/** What the counter needs of a CAN frame. */
export interface CountedFrame {
  readonly timeNs: number
  readonly src: number
  readonly address: number
}

/** One (bus, address) stream's counts. */
export interface StreamTally {
  readonly bus: number
  readonly address: number
  frames: number
  /** Frames in the window being counted. */
  windowFrames: number
  /** Closed windows in which the stream had at least one frame. */
  windowsSeen: number
  firstNs: number
  lastNs: number
}

/** A counting window just closed; `tallies` still hold its `windowFrames` while the handler runs. */
export interface ClosedWindow {
  /** Seconds from the first frame to the window's start. */
  readonly startS: number
  readonly frames: number
  /** Streams with a frame in the window. */
  readonly streams: number
  /** Labels of the expected streams with no frame in the window. */
  readonly missing: ReadonlyArray<string>
  readonly tallies: ReadonlyArray<StreamTally>
}

/** The counting of `can-bus-check`, shared by the tool and the web page's live panda (no Node built-ins). */
export interface BusCheckCounter {
  /** Counts frames in time order; `onWindow` is called for every window they close, before its counts reset. */
  readonly add: (frames: Iterable<CountedFrame>) => void
  /** Closes the last window if it holds frames (at the end of the source). */
  readonly finish: () => void
  /** Every stream seen, by bus then address. */
  readonly streams: () => ReadonlyArray<StreamTally>
  /** Time of the first frame counted (ns), if any. */
  readonly firstNs: () => number | undefined
}

export interface BusCheckCounterOptions {
  readonly windowS: number
  readonly expected: ReadonlyArray<StreamKey>
  /** Count only the expected streams. */
  readonly onlyExpected?: boolean
  readonly onWindow: (window: ClosedWindow) => void
}

/** One window line, as can-bus-check logs it. */
export const describeWindow = (w: ClosedWindow, windowS: number): string =>
  `window ${w.startS.toFixed(1)}–${(w.startS + windowS).toFixed(1)} s: ${w.frames} frames (${(w.frames / windowS).toFixed(1)}/s) on ${w.streams} streams; missing: ${w.missing.length > 0 ? w.missing.join(", ") : "none"}`

/**
 * Counts frames per (bus, address) in consecutive windows of `windowS` seconds of CAN time from the
 * first frame (an empty window still closes), and names the expected streams missing from each.
 */
export const createBusCheckCounter = (options: BusCheckCounterOptions): BusCheckCounter => {
  const windowNs = options.windowS * 1e9
  const expectedIds = new Set(options.expected.map(s => streamId(s.bus, s.address)))
  const tallies = new Map<number, StreamTally>()
  let t0: number | undefined
  let windowStart: number | undefined
  let windowFrames = 0

  const closeWindow = () => {
    const seen = [...tallies.values()].filter(t => t.windowFrames > 0)
    const missing = options.expected.filter(s => !(tallies.get(streamId(s.bus, s.address))?.windowFrames ?? 0)).map(streamLabel)
    for (const t of seen) t.windowsSeen++
    options.onWindow({ startS: (windowStart! - t0!) / 1e9, frames: windowFrames, streams: seen.length, missing, tallies: [...tallies.values()] })
    for (const t of seen) t.windowFrames = 0
    windowFrames = 0
  }

  return {
    add: frames => {
      for (const f of frames) {
        t0 ??= f.timeNs
        windowStart ??= f.timeNs
        while (f.timeNs >= windowStart + windowNs) {
          closeWindow()
          windowStart += windowNs
        }
        const id = streamId(f.src, f.address)
        if (options.onlyExpected && !expectedIds.has(id)) continue
        let t = tallies.get(id)
        if (!t) tallies.set(id, (t = { bus: f.src, address: f.address, frames: 0, windowFrames: 0, windowsSeen: 0, firstNs: f.timeNs, lastNs: f.timeNs }))
        t.frames++
        t.windowFrames++
        t.lastNs = f.timeNs
        windowFrames++
      }
    },
    finish: () => {
      if (windowStart !== undefined && windowFrames > 0) closeWindow()
    },
    streams: () => [...tallies.values()].sort((a, b) => a.bus - b.bus || a.address - b.address),
    firstNs: () => t0
  }
}
