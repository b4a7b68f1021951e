import { formatCanAddress } from "../../can/csv-format.js"
import { decodeSignalRaw, decodeSignal } from "../../dbc/dbc-decode.js"
import type { DbcSignal } from "../../dbc/dbc-types.js"
import type { SelectedMessage } from "./message-selection.js"

/** Whether a signal is present in a frame: payload long enough and, when multiplexed, its mux value selected. */
const presentIn = (sel: SelectedMessage) => {
  const mux = sel.message.multiplexor
  return (signal: DbcSignal, data: Uint8Array, muxValue: number | undefined): boolean =>
    signal.plan.minLength <= data.length && (signal.multiplexValue === undefined || signal === mux || signal.multiplexValue === muxValue)
}

/**
 * Precompiled decoder of one message into CSV cells: per frame it decodes only the kept signals,
 * without per-frame objects. Numbers are written in JavaScript's shortest round-trip form, so a
 * value read back with `Number()` is the decoded double exactly; absent signals give empty cells.
 */
export const createRowEncoder = (sel: SelectedMessage) => {
  const address = formatCanAddress(sel.message.address)
  const mux = sel.message.multiplexor
  const present = presentIn(sel)
  const signals = sel.signals
  const muxOf = (data: Uint8Array) => (mux && mux.plan.minLength <= data.length ? Number(decodeSignalRaw(mux, data)) : undefined)
  return {
    address,
    /** `,v1,v2,…` for the per-message layout (after `time,addr,bus`). */
    cells: (data: Uint8Array): string => {
      const m = muxOf(data)
      let out = ""
      for (const s of signals) out += present(s, data, m) ? `,${decodeSignal(s, data)}` : ","
      return out
    },
    /** Calls `emit(signalName, value)` for every kept signal present in the frame (long layout). */
    each: (data: Uint8Array, emit: (name: string, value: number) => void): void => {
      const m = muxOf(data)
      for (const s of signals) if (present(s, data, m)) emit(s.name, decodeSignal(s, data))
    }
  }
}

/** A message row encoder (see createRowEncoder). */
export type RowEncoder = ReturnType<typeof createRowEncoder>
