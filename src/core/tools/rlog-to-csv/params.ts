import { Schema } from "effect"
import { Seconds, SrcNumber, optionalParam, withDefault } from "../shared/param-schemas.js"

const AddressInt = Schema.Int.pipe(Schema.between(0, 0x1fffffff))

/** A CAN address as a number or as text: hex with `0x` (`"0x146"`) or decimal (`"326"`). */
export const CanAddressParam = Schema.Union(
  AddressInt,
  Schema.transform(Schema.String.pipe(Schema.pattern(/^(0[xX][0-9a-fA-F]{1,8}|[0-9]{1,10})$/)), AddressInt, {
    strict: true,
    decode: text => Number(text),
    encode: n => `0x${n.toString(16).toUpperCase()}`
  })
).annotations({ identifier: "CanAddress", description: 'CAN address: a number or text such as "0x146" or "326"' })

/**
 * Params of rlog-to-csv. Times are seconds from the FIRST CAN FRAME of the log (the logMonoTime of
 * the first `can` event that holds a frame, before any bus/address filter); windows are half-open.
 */
export const RlogToCsvParams = Schema.Struct({
  window_start: withDefault(
    Seconds,
    0,
    "Start of the rows written: seconds after the first CAN frame of the log. Rows with start ≤ t < start + window_dur are written."
  ),
  window_dur: optionalParam(Schema.Number.pipe(Schema.finite(), Schema.positive()), "Length of the written window in seconds. Default: to the end of the log."),
  format: withDefault(
    Schema.Literal("old-tools", "cabana"),
    "old-tools",
    "CSV dialect: `old-tools` = window,segment,timestamp,address,bus,data_hex (timestamp = logMonoTime in seconds); `cabana` = time,addr,bus,data (time = seconds after the first CAN frame)."
  ),
  bus: optionalParam(
    Schema.Array(SrcNumber),
    "Only frames whose raw src value (as printed in the bus column) is listed: 0–3 received, +4 per extra panda, 128+n TX echo, 192+n rejected. Default: all."
  ),
  addresses: optionalParam(Schema.Array(CanAddressParam), 'Only frames with these CAN addresses (numbers or text such as "0x146"). Default: all.'),
  mark_start: optionalParam(
    Seconds,
    "old-tools only: start of the marked window (seconds after the first CAN frame) for the segment column: rows before it are `pre`, inside `window`, after `post`. Default: the written window, so every row is `window`."
  ),
  mark_dur: optionalParam(
    Schema.Number.pipe(Schema.finite(), Schema.positive()),
    "old-tools only: length of the marked window in seconds (default: to the end)."
  )
}).annotations({ identifier: "RlogToCsvParams", description: "rlog-to-csv parameters" })

/** Decoded rlog-to-csv params (defaults applied). */
export type RlogToCsvParams = typeof RlogToCsvParams.Type
