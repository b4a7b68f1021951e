import type { CanFrame } from "../can/can-frame.js"
import type { LogEvent, PandaState } from "../log/log-event.js"
import type { PandaHealth } from "../panda/panda-structs.js"

/** The health fields a recorded `PandaState` carries (the rest of a health packet is not logged). */
export const healthOfPandaState = (s: PandaState): Partial<PandaHealth> => ({
  controlsAllowed: s.controlsAllowed ? 1 : 0,
  safetyMode: s.safetyModelId,
  safetyParam: s.safetyParam,
  safetyRxInvalid: s.safetyRxInvalid,
  safetyRxChecksInvalid: s.safetyRxChecksInvalid ? 1 : 0,
  ignitionLine: s.ignitionLine ? 1 : 0
})

/** A log's `can` frames, and the recorded panda health in force at a given log time. */
export interface LogFramesWithStates {
  readonly frames: AsyncIterable<ReadonlyArray<CanFrame>>
  /** The first panda's health of the latest `pandaStates` event at or before `timeNs` (undefined before the first). */
  readonly healthAt: (timeNs: number | undefined) => Partial<PandaHealth> | undefined
}

/**
 * Splits a log's events into its CAN frame batches (as `LogReader.frames()` yields them) and its
 * `pandaStates`, so a simulated panda replaying the frames reports the recorded health as it goes.
 * Only the states read ahead of the replay are held (bounded by the reader's batch size).
 */
export const splitLogPandaStates = (events: AsyncIterable<ReadonlyArray<LogEvent>>): LogFramesWithStates => {
  const ahead: Array<{ readonly timeNs: number; readonly health: Partial<PandaHealth> }> = []
  let current: Partial<PandaHealth> | undefined
  async function* frames(): AsyncGenerator<ReadonlyArray<CanFrame>> {
    for await (const batch of events) {
      const out: CanFrame[] = []
      for (const e of batch) {
        if (e.which === "can" && e.can) out.push(...e.can)
        else if (e.which === "pandaStates" && e.pandaStates && e.pandaStates.length > 0)
          ahead.push({ timeNs: e.logMonoTime, health: healthOfPandaState(e.pandaStates[0]) })
      }
      if (out.length > 0) yield out
    }
  }
  return {
    frames: frames(),
    healthAt(timeNs) {
      if (timeNs === undefined) return current
      while (ahead.length > 0 && ahead[0].timeNs <= timeNs) current = ahead.shift()!.health
      return current
    }
  }
}
