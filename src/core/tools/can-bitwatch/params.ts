import { Schema } from "effect"
import { BitSpecString, Seconds, SrcNumber, optionalParam, withDefault } from "../shared/param-schemas.js"

/** Params of can-bitwatch. */
export const CanBitwatchParams = Schema.Struct({
  window_start: optionalParam(
    Schema.Number.pipe(Schema.finite()),
    "Window start, s: in the CSV's own time column, or seconds from the first CAN frame for an rlog (as rlog-to-csv writes them). Default: the CSV's segment column."
  ),
  window_end: optionalParam(
    Schema.Number.pipe(Schema.finite()),
    "Window end, s (inclusive), same time base as window_start. Default: the CSV's segment column (as for window_start)."
  ),
  watch: withDefault(
    Schema.Array(BitSpecString),
    [],
    "Bits whose edges go to bit_edges.csv, `0xADDR:B<byte>b<msb>` or `0xADDR:bNN`; every bus of the address. Default: the bits that toggle only inside the window."
  ),
  bus: optionalParam(Schema.Array(SrcNumber), "Only these buses (raw src: 0–3, 128+n TX echo); default all."),
  pulse_count: withDefault(Schema.Int.pipe(Schema.positive()), 3, "accel_hunt: number of high pulses looked for inside the window."),
  pulse_s: withDefault(Seconds, 2, "accel_hunt: expected duration of each pulse, s."),
  pulse_tolerance_s: withDefault(Seconds, 0.5, "accel_hunt: allowed deviation from pulse_s, s.")
})

/** Decoded can-bitwatch params. */
export type CanBitwatchParams = typeof CanBitwatchParams.Type
