import type { CanFrame } from "../../src/core/can/can-frame.js"
import { fileSource } from "../../src/core/log/node-file-source.js"
import { openLog } from "../../src/core/log/open-log.js"
import { createSimulatedPanda, type SimulatedPandaOptions } from "../../src/core/panda/simulated-panda.js"
import { oracleRows } from "../support/oracle.js"
import { rlogPath } from "../support/shared-data.js"

/** A frame as an oracle row without its time: `bus,address,data_hex` (bus = raw src). */
export const rowOf = (f: CanFrame) => `${f.src},0x${f.address.toString(16).toUpperCase()},${Buffer.from(f.data).toString("hex").toUpperCase()}`

/** The oracle rows of `rlog/<name>.frames.csv` without their time column. */
export const oracleRowsNoTime = (name: string): string[] => oracleRows(`${name}.frames.csv`).map(r => r.slice(r.indexOf(",") + 1))

/** A simulated panda replaying `rlog/<file>` through our log reader. */
export const simulateFixture = (file: string, options: SimulatedPandaOptions = {}) =>
  createSimulatedPanda(openLog(fileSource(rlogPath(file))).frames(), options)

/** Only the frames of the first `seconds` of a frame stream. */
export async function* firstSeconds(frames: AsyncIterable<ReadonlyArray<CanFrame>>, seconds: number): AsyncGenerator<ReadonlyArray<CanFrame>> {
  let t0: number | undefined
  for await (const batch of frames) {
    t0 ??= batch[0]?.timeNs
    if (t0 === undefined) continue
    const keep = batch.filter(f => f.timeNs - t0! <= seconds * 1e9)
    if (keep.length > 0) yield keep
    if (keep.length < batch.length) return
  }
}
