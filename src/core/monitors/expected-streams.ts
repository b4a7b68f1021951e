import { Schema } from "effect"
import { optionalParam } from "../tools/shared/param-schemas.js"

/** A (bus, address) stream a monitor expects to see; `bus` is the raw src value. */
export interface StreamKey {
  readonly bus: number
  readonly address: number
}

/**
 * Named sets of expected streams. `subaru-global`: the Subaru global-platform messages openpilot's Subaru
 * port reads from the car (bus 0) and from the camera (bus 2), as in opendbc's subaru_global_2017 DBC.
 */
export const STREAM_PRESETS: Readonly<Record<string, ReadonlyArray<StreamKey>>> = {
  "subaru-global": [
    ...[0x40, 0x48, 0x119, 0x13a, 0x139, 0x13c, 0x146, 0x240, 0x241, 0x390].map(address => ({ bus: 0, address })),
    ...[0x122, 0x220, 0x221, 0x222, 0x321, 0x322, 0x323].map(address => ({ bus: 2, address }))
  ]
}

/** Params naming the expected streams. */
export const ExpectedStreamFields = {
  expected: optionalParam(
    Schema.Array(Schema.String.pipe(Schema.pattern(/^\d{1,3}:(0[xX][0-9a-fA-F]{1,8}|\d{1,10})$/))),
    'Expected streams as "bus:address", e.g. "0:0x146" (bus = raw src). Added to the preset. Default: none.'
  ),
  preset: optionalParam(
    Schema.Literal(...(Object.keys(STREAM_PRESETS) as ["subaru-global"])),
    "A named set of expected streams (`subaru-global`). Default: none."
  )
} as const

/** `bus:0xADDR` with the address in upper-case hex. */
export const streamLabel = (s: StreamKey): string => `${s.bus}:0x${s.address.toString(16).toUpperCase()}`

/** A numeric key for a stream (src and 29-bit address). */
export const streamId = (bus: number, address: number): number => bus * 2 ** 29 + address

/** The expected streams of params (preset first, then `expected`), without duplicates. */
export const expectedStreams = (p: { readonly expected?: ReadonlyArray<string> | undefined; readonly preset?: string | undefined }): StreamKey[] => {
  const out = new Map<number, StreamKey>()
  for (const s of p.preset ? (STREAM_PRESETS[p.preset] ?? []) : []) out.set(streamId(s.bus, s.address), s)
  for (const text of p.expected ?? []) {
    const [bus, address] = text.split(":")
    const key = { bus: Number(bus), address: Number(address) }
    out.set(streamId(key.bus, key.address), key)
  }
  return [...out.values()]
}
