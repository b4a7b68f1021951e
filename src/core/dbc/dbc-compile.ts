import { decodeSignal, decodeSignalRaw } from "./dbc-decode.js"
import type { DbcSignal } from "./dbc-types.js"

/** Largest signal the compiled form handles; longer ones (and floats) use the generic decoder. */
const MAX_COMPILED_BITS = 53

const literal = (x: number): string => (Object.is(x, -0) ? "-0" : x < 0 ? `(${x})` : String(x))

/**
 * JavaScript expression of a signal's raw integer read from the byte array named `data`, signed
 * values included, or undefined when the signal needs the generic decoder (IEEE floats, over 53
 * bits). Every chunk of the bit plan is read with constant byte index, shift and mask, and the
 * chunks are summed with exact power-of-two weights, so the value equals decodeSignalRaw's for
 * any payload of at least `plan.minLength` bytes (the caller checks the length). A signed signal
 * uses the variable named `scratch`, which the surrounding code declares.
 */
export const rawValueExpression = (signal: DbcSignal, data: string, scratch: string): string | undefined => {
  if (signal.valueType !== "integer" || signal.length > MAX_COMPILED_BITS) return undefined
  const { bytes, shifts, widths } = signal.plan
  const terms: string[] = []
  let weightBits = signal.length
  for (let c = 0; c < bytes.length; c++) {
    const width = widths[c]
    weightBits -= width
    const byte = `${data}[${bytes[c]}]`
    const shifted = shifts[c] === 0 ? byte : `(${byte} >> ${shifts[c]})`
    const chunk = shifts[c] + width === 8 ? shifted : `(${shifted} & ${(1 << width) - 1})`
    terms.push(weightBits === 0 ? chunk : `${chunk} * ${2 ** weightBits}`)
  }
  const unsigned = terms.join(" + ")
  if (!signal.signed) return `(${unsigned})`
  return `((${scratch} = ${unsigned}) >= ${2 ** (signal.length - 1)} ? ${scratch} - ${2 ** signal.length} : ${scratch})`
}

/**
 * JavaScript expression of a signal's physical value (`raw · factor + offset`, the arithmetic of
 * decodeSignal) read from `data`, or undefined when the signal needs the generic decoder.
 */
export const physicalValueExpression = (signal: DbcSignal, data: string, scratch: string): string | undefined => {
  const raw = rawValueExpression(signal, data, scratch)
  if (raw === undefined) return undefined
  return signal.factor === 1 && signal.offset === 0 ? raw : `(${raw} * ${literal(signal.factor)} + ${literal(signal.offset)})`
}

/**
 * A decoder of one signal specialised to its bit plan: equal to `decodeSignal(signal, data)` for
 * every payload of at least `signal.plan.minLength` bytes (shorter payloads: the caller checks).
 * Floats and signals over 53 bits fall back to the generic decoder.
 */
export const compileSignalDecoder = (signal: DbcSignal): ((data: Uint8Array) => number) => {
  const expression = physicalValueExpression(signal, "data", "u")
  if (expression === undefined) return data => decodeSignal(signal, data)
  return new Function("data", `let u\nreturn ${expression}`) as (data: Uint8Array) => number
}

/** Like compileSignalDecoder for the raw integer (multiplexor values): equal to `Number(decodeSignalRaw(signal, data))`. */
export const compileRawDecoder = (signal: DbcSignal): ((data: Uint8Array) => number) => {
  const expression = rawValueExpression(signal, "data", "u")
  if (expression === undefined) return data => Number(decodeSignalRaw(signal, data))
  return new Function("data", `let u\nreturn ${expression}`) as (data: Uint8Array) => number
}
