import { formatCanAddress } from "../../can/csv-format.js"
import { compileRawDecoder, compileSignalDecoder, physicalValueExpression, rawValueExpression } from "../../dbc/dbc-compile.js"
import type { SelectedMessage } from "./message-selection.js"

type Decoder = (data: Uint8Array) => number
type Emit = (name: string, value: number) => void

/**
 * Source of the per-frame code shared by `cells` and `each`: the multiplexor value `m` and, per
 * kept signal, its presence test (payload long enough, mux value selected) and value expression.
 * Signals the compiler leaves to the generic decoder are called through `fallback[k]`.
 */
const planMessage = (sel: SelectedMessage) => {
  const mux = sel.message.multiplexor
  const fallback: Decoder[] = []
  const viaFallback = (decoder: Decoder) => `fallback[${fallback.push(decoder) - 1}](data)`
  const prelude = ["const L = data.length", "let u"]
  if (mux) {
    const raw = rawValueExpression(mux, "data", "u") ?? viaFallback(compileRawDecoder(mux))
    prelude.push(`const m = L >= ${mux.plan.minLength} ? ${raw} : undefined`)
  }
  const signals = sel.signals.map(s => ({
    present: `L >= ${s.plan.minLength}` + (s.multiplexValue !== undefined && s !== mux ? ` && m === ${s.multiplexValue}` : ""),
    value: physicalValueExpression(s, "data", "u") ?? viaFallback(compileSignalDecoder(s))
  }))
  return { prelude: prelude.join("\n"), signals, fallback }
}

/**
 * Precompiled decoder of one message into CSV cells: the message's bit plans are turned into one
 * function per message (constant byte indexes, shifts and masks, no per-frame objects), decoding
 * only the kept signals. Numbers are written in JavaScript's shortest round-trip form, so a value
 * read back with `Number()` is the decoded double exactly (the same value as decodeSignal); absent
 * signals give empty cells.
 */
export const createRowEncoder = (sel: SelectedMessage) => {
  const plan = planMessage(sel)
  const cellsBody = [plan.prelude, 'let out = ""', ...plan.signals.map(s => `out += ${s.present} ? "," + ${s.value} : ","`), "return out"]
  const eachBody = [plan.prelude, ...plan.signals.map((s, k) => `if (${s.present}) emit(names[${k}], ${s.value})`)]
  const names = sel.signals.map(s => s.name)
  const cells = new Function("fallback", `return (data) => {\n${cellsBody.join("\n")}\n}`)(plan.fallback) as (data: Uint8Array) => string
  const each = new Function("fallback", "names", `return (data, emit) => {\n${eachBody.join("\n")}\n}`)(plan.fallback, names) as (
    data: Uint8Array,
    emit: Emit
  ) => void
  return {
    address: formatCanAddress(sel.message.address),
    /** `,v1,v2,…` for the per-message layout (after `time,addr,bus`). */
    cells,
    /** Calls `emit(signalName, value)` for every kept signal present in the frame (long layout). */
    each
  }
}

/** A message row encoder (see createRowEncoder). */
export type RowEncoder = ReturnType<typeof createRowEncoder>
