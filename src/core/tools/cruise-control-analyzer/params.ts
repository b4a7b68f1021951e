import { Schema } from "effect"
import { BitSpecString, BusChoiceSchema, Seconds, SrcNumber, optionalParam, withDefault } from "../shared/param-schemas.js"

/** Params of cruise-control-analyzer (names and defaults of the old tool). */
export const CruiseControlParams = Schema.Struct({
  speed_min: withDefault(Schema.Number.pipe(Schema.finite()), 55, "Lower bound of the target-speed band, mph."),
  speed_max: withDefault(Schema.Number.pipe(Schema.finite()), 56, "Upper bound of the target-speed band, mph."),
  marker_type: withDefault(
    Schema.Literal("none", "blinkers"),
    "blinkers",
    "How analysis windows are marked: `blinkers` (left blinker on starts a window, right blinker on ends it) or `none` (a window around each Set/Resume press found through the DBC)."
  ),
  marker_pre: withDefault(Seconds, 1.5, "Seconds added before each marker start."),
  marker_post: withDefault(Seconds, 1.5, "Seconds added after each marker end."),
  marker_timeout: withDefault(Seconds, 15, "Longest marker, s: a left blinker with no right blinker within this time gives a partial window that spans it."),
  engaged_bit: optionalParam(
    BitSpecString,
    "Bit whose 1-runs mark 'engaged', `0xADDR:bNN` (global LSB bit) or `0xADDR:B<byte>b<msb>`. Default: the DBC's CruiseControl.Cruise_Activated (0x240:b41)."
  ),
  engaged_bus: optionalParam(SrcNumber, "Bus (raw src) of the engaged bit; default: the bus chosen for its address by `bus`."),
  engaged_mode: withDefault(
    Schema.Literal("annotate", "filter"),
    "annotate",
    "`annotate`: report engaged intervals and mark edges; `filter`: analyse only frames inside engaged intervals (± margin)."
  ),
  engaged_margin: withDefault(Seconds, 0.5, "Seconds added on both sides of each engaged interval when filtering."),
  bus: withDefault(
    BusChoiceSchema,
    "auto",
    "Bus (raw src) to analyse: `auto` = for each address the received bus with the most frames (TX echoes 128+ left out), or one src number."
  )
})

/** Decoded cruise-control-analyzer params. */
export type CruiseControlParams = typeof CruiseControlParams.Type
