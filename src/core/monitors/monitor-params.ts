import { Schema } from "effect"
import { optionalParam, withDefault } from "../tools/shared/param-schemas.js"

/** Params every monitor takes: where its CAN comes from and how long it runs. */
export const MonitorSourceFields = {
  source: withDefault(
    Schema.Literal("auto", "log", "simulate", "panda"),
    "auto",
    "Where the CAN comes from: `log` = the input rlog read directly, `simulate` = the input rlog replayed by a simulated panda over the panda protocol, `panda` = a connected panda (no input). `auto` = `log` with an input, else `panda`."
  ),
  serial: optionalParam(Schema.String.pipe(Schema.pattern(/^[0-9A-Za-z]{1,32}$/)), "source `panda`: the panda's serial (default: the first panda found)."),
  speed: optionalParam(
    Schema.Number.pipe(Schema.finite(), Schema.nonNegative()),
    "Replay speed of a log or simulated source: 1 = recorded pace, 10 = ten times faster, 0 = as fast as it can be read. Default: 0 for `log`, 1 for `simulate`."
  ),
  simulate_faults: optionalParam(
    Schema.Struct({
      unplug_after_frames: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
      corrupt_frames: Schema.optional(Schema.Array(Schema.Int.pipe(Schema.nonNegative()))),
      stall_at_transfers: Schema.optional(Schema.Array(Schema.Int.pipe(Schema.nonNegative()))),
      open_delay_ms: Schema.optional(Schema.Int.pipe(Schema.between(0, 60_000)))
    }),
    "source `simulate`: faults the simulated panda injects: unplug after N frames, corrupt the packets of these frame indexes, stall the receive endpoint at these transfers, take this long to open (ms). Default: no faults."
  ),
  duration_s: optionalParam(
    Schema.Number.pipe(Schema.finite(), Schema.positive()),
    "Stop after this many seconds of CAN time (from the first frame). Default: until stopped or the source ends."
  )
} as const

/** Decoded source params. */
export interface MonitorSourceParams {
  readonly source: "auto" | "log" | "simulate" | "panda"
  readonly serial?: string | undefined
  readonly speed?: number | undefined
  readonly duration_s?: number | undefined
  readonly simulate_faults?:
    | {
        readonly unplug_after_frames?: number | undefined
        readonly corrupt_frames?: ReadonlyArray<number> | undefined
        readonly stall_at_transfers?: ReadonlyArray<number> | undefined
        readonly open_delay_ms?: number | undefined
      }
    | undefined
}

/** The one input a monitor takes (a recorded log), optional because a panda source needs none. */
export const MONITOR_INPUT = {
  kind: "rlog",
  description: "Optional: a recorded rlog (raw, .zst or .bz2) to read (`source` log) or replay through a simulated panda (`source` simulate).",
  optional: true
} as const
