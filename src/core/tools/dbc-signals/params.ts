import { Schema } from "effect"
import { SrcNumber, optionalParam, withDefault } from "../shared/param-schemas.js"

/** Params of dbc-signals. */
export const DbcSignalsParams = Schema.Struct({
  dbc: optionalParam(
    Schema.String,
    "Bundled opendbc DBC by name (e.g. `toyota_new_mc_pt_generated`, `toyota_adas`, `subaru_global_2017_generated`); or pass your own DBC file as a second input. No default: one of the two is required."
  ),
  messages: optionalParam(
    Schema.Array(Schema.String),
    "Messages to decode, by name or address (`STEER_ANGLE_SENSOR`, `0x25`, `37`). Default: every message of the DBC."
  ),
  signals: optionalParam(
    Schema.Array(Schema.String),
    "Signals to keep, `SIGNAL` (in every chosen message that has it) or `MESSAGE.SIGNAL`. Default: all signals of the chosen messages."
  ),
  layout: withDefault(
    Schema.Literal("per-message", "long"),
    "per-message",
    "`per-message`: one CSV per message, cabana's `time,addr,bus,<signals…>`; `long`: one CSV `time,addr,bus,message,signal,value`."
  ),
  bus: optionalParam(Schema.Array(SrcNumber), "Only these buses (raw src: 0–3, 128+n TX echo); default all.")
})

/** Decoded dbc-signals params. */
export type DbcSignalsParams = typeof DbcSignalsParams.Type
