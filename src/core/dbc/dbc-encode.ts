import type { DbcMessage, DbcSignal } from "./dbc-types.js"

const scratch = new DataView(new ArrayBuffer(8))

const checkRange = (signal: DbcSignal, raw: bigint) => {
  const n = BigInt(signal.length)
  const lo = signal.signed ? -(1n << (n - 1n)) : 0n
  const hi = signal.signed ? (1n << (n - 1n)) - 1n : (1n << n) - 1n
  if (raw < lo || raw > hi) {
    throw new RangeError(`${signal.name}: raw value ${raw} does not fit ${signal.length} ${signal.signed ? "signed" : "unsigned"} bits`)
  }
}

const writeUnsigned = (signal: DbcSignal, unsigned: bigint, data: Uint8Array) => {
  const { bytes, shifts, widths } = signal.plan
  if (signal.plan.minLength > data.length) {
    throw new RangeError(`${signal.name} needs ${signal.plan.minLength} bytes, the buffer has ${data.length}`)
  }
  let rest = unsigned
  for (let c = bytes.length - 1; c >= 0; c--) {
    const width = BigInt(widths[c])
    const mask = (1 << widths[c]) - 1
    const chunk = Number(rest & ((1n << width) - 1n))
    data[bytes[c]] = (data[bytes[c]] & ~(mask << shifts[c])) | (chunk << shifts[c])
    rest >>= width
  }
}

/**
 * Writes a raw integer into a signal's bits of `data` (two's complement when signed), leaving the
 * other bits untouched. Throws RangeError when the value does not fit or the buffer is too short.
 */
export const encodeSignalRaw = (signal: DbcSignal, raw: number | bigint, data: Uint8Array): void => {
  if (typeof raw === "number" && !Number.isInteger(raw)) throw new RangeError(`${signal.name}: raw value ${raw} is not an integer`)
  const big = BigInt(raw)
  checkRange(signal, big)
  writeUnsigned(signal, big < 0n ? big + (1n << BigInt(signal.length)) : big, data)
}

/**
 * Writes a physical value: `raw = round((value − offset) / factor)` for integer signals, the IEEE
 * bits of `(value − offset) / factor` for float signals. Throws RangeError when it does not fit.
 */
export const encodeSignal = (signal: DbcSignal, value: number, data: Uint8Array): void => {
  const scaled = (value - signal.offset) / signal.factor
  if (signal.valueType === "float32") {
    scratch.setFloat32(0, scaled)
    writeUnsigned(signal, BigInt(scratch.getUint32(0)), data)
  } else if (signal.valueType === "float64") {
    scratch.setFloat64(0, scaled)
    writeUnsigned(signal, scratch.getBigUint64(0), data)
  } else {
    if (!Number.isFinite(scaled)) throw new RangeError(`${signal.name}: value ${value} is not finite`)
    encodeSignalRaw(signal, Math.round(scaled), data)
  }
}

/**
 * Builds a payload of `message.size` bytes from physical values by signal name (signals not named
 * stay 0). Throws RangeError for an unknown signal name or a value that does not fit.
 */
export const encodeMessage = (message: DbcMessage, values: Readonly<Record<string, number>>): Uint8Array => {
  const data = new Uint8Array(message.size)
  for (const [name, value] of Object.entries(values)) {
    const signal = message.signalsByName.get(name)
    if (!signal) throw new RangeError(`${message.name} has no signal ${name}`)
    encodeSignal(signal, value, data)
  }
  return data
}
