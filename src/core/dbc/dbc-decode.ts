import type { BitPlan, DbcMessage, DbcSignal } from "./dbc-types.js"

const POW2 = Array.from({ length: 65 }, (_, i) => 2 ** i)
const scratch = new DataView(new ArrayBuffer(8))

/** Unsigned raw value of a plan of up to 53 bits, exact; bytes beyond the payload read as 0. */
export const extractRawUnsigned = (plan: BitPlan, data: Uint8Array): number => {
  let value = 0
  const { bytes, shifts, widths } = plan
  for (let c = 0; c < bytes.length; c++) {
    const byte = bytes[c] < data.length ? data[bytes[c]] : 0
    const width = widths[c]
    value = value * POW2[width] + ((byte >> shifts[c]) & ((1 << width) - 1))
  }
  return value
}

/** Unsigned raw value of a plan of any length (up to 64 bits) as a BigInt. */
export const extractRawUnsignedBig = (plan: BitPlan, data: Uint8Array): bigint => {
  let value = 0n
  const { bytes, shifts, widths } = plan
  for (let c = 0; c < bytes.length; c++) {
    const byte = bytes[c] < data.length ? data[bytes[c]] : 0
    const width = widths[c]
    value = (value << BigInt(width)) | BigInt((byte >> shifts[c]) & ((1 << width) - 1))
  }
  return value
}

/**
 * Raw integer of a signal (two's complement applied when signed). A number when the signal has at
 * most 53 bits (always exact), a BigInt above that. Bytes beyond the payload read as 0.
 */
export const decodeSignalRaw = (signal: DbcSignal, data: Uint8Array): number | bigint => {
  const n = signal.length
  if (n <= 53) {
    const raw = extractRawUnsigned(signal.plan, data)
    return signal.signed && raw >= POW2[n - 1] ? raw - POW2[n] : raw
  }
  const raw = extractRawUnsignedBig(signal.plan, data)
  return signal.signed && raw >= 1n << BigInt(n - 1) ? raw - (1n << BigInt(n)) : raw
}

const floatOf = (signal: DbcSignal, data: Uint8Array): number => {
  if (signal.valueType === "float32") {
    scratch.setUint32(0, extractRawUnsigned(signal.plan, data))
    return scratch.getFloat32(0)
  }
  scratch.setBigUint64(0, extractRawUnsignedBig(signal.plan, data))
  return scratch.getFloat64(0)
}

/**
 * Physical value of a signal: `raw · factor + offset` in double precision (the same arithmetic as
 * opendbc's parser), with IEEE float signals (`SIG_VALTYPE_`) read as floats first.
 * Bytes beyond the payload read as 0; check `signal.plan.minLength` when that matters.
 */
export const decodeSignal = (signal: DbcSignal, data: Uint8Array): number => {
  if (signal.valueType !== "integer") return floatOf(signal, data) * signal.factor + signal.offset
  const raw = decodeSignalRaw(signal, data)
  return (typeof raw === "number" ? raw : Number(raw)) * signal.factor + signal.offset
}

/** The `VAL_` name of the signal's current raw value, if the DBC names it. */
export const signalValueName = (signal: DbcSignal, data: Uint8Array): string | undefined => {
  if (signal.valueNames.size === 0) return undefined
  const raw = decodeSignalRaw(signal, data)
  return signal.valueNames.get(typeof raw === "number" ? raw : Number(raw))
}

/** Every signal present in one frame of a message. */
export interface DecodedMessage {
  readonly message: DbcMessage
  /** Physical values by signal name (multiplexed signals only when selected). */
  readonly values: Record<string, number>
  /** `VAL_` names of the values that have one. */
  readonly labels: Record<string, string>
  /** Signals left out because the payload is too short to hold them. */
  readonly incomplete: ReadonlyArray<string>
}

/**
 * Decodes all signals of a message from one payload. A multiplexed signal (`m<n>`) is decoded only
 * when the multiplexor's raw value is n. Signals reaching beyond the payload are listed in
 * `incomplete` instead of being decoded from padding.
 */
export const decodeMessage = (message: DbcMessage, data: Uint8Array): DecodedMessage => {
  const values: Record<string, number> = {}
  const labels: Record<string, string> = {}
  const incomplete: string[] = []
  const mux = message.multiplexor
  let muxValue: number | undefined
  if (mux && mux.plan.minLength <= data.length) muxValue = Number(decodeSignalRaw(mux, data))
  for (const signal of message.signals) {
    if (signal.multiplexValue !== undefined && signal !== mux && signal.multiplexValue !== muxValue) continue
    if (signal.plan.minLength > data.length) {
      incomplete.push(signal.name)
      continue
    }
    if (signal.valueType !== "integer") {
      values[signal.name] = decodeSignal(signal, data)
      continue
    }
    const raw = decodeSignalRaw(signal, data)
    const rawNumber = typeof raw === "number" ? raw : Number(raw)
    values[signal.name] = rawNumber * signal.factor + signal.offset
    if (signal.valueNames.size === 0) continue
    const label = signal.valueNames.get(rawNumber)
    if (label !== undefined) labels[signal.name] = label
  }
  return { message, values, labels, incomplete }
}
