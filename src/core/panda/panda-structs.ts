/** Little-endian packed struct fields of the panda's health packets (board/health.h). */
type FieldType = "u8" | "u16" | "u32" | "f32"

const SIZE: Record<FieldType, number> = { u8: 1, u16: 2, u32: 4, f32: 4 }

const HEALTH_FIELDS = [
  ["uptime", "u32"],
  ["voltage", "u32"],
  ["current", "u32"],
  ["safetyTxBlocked", "u32"],
  ["safetyRxInvalid", "u32"],
  ["txBufferOverflow", "u32"],
  ["rxBufferOverflow", "u32"],
  ["faults", "u32"],
  ["ignitionLine", "u8"],
  ["ignitionCan", "u8"],
  ["controlsAllowed", "u8"],
  ["carHarnessStatus", "u8"],
  ["safetyMode", "u8"],
  ["safetyParam", "u16"],
  ["faultStatus", "u8"],
  ["powerSaveEnabled", "u8"],
  ["heartbeatLost", "u8"],
  ["alternativeExperience", "u16"],
  ["interruptLoad", "f32"],
  ["fanPower", "u8"],
  ["safetyRxChecksInvalid", "u8"],
  ["spiErrorCount", "u16"],
  ["sbu1mV", "u16"],
  ["sbu2mV", "u16"],
  ["somResetTriggered", "u8"],
  ["soundOutputLevel", "u16"]
] as const satisfies ReadonlyArray<readonly [string, FieldType]>

const CAN_HEALTH_FIELDS = [
  ["busOff", "u8"],
  ["busOffCount", "u32"],
  ["errorWarning", "u8"],
  ["errorPassive", "u8"],
  ["lastError", "u8"],
  ["lastStoredError", "u8"],
  ["lastDataError", "u8"],
  ["lastDataStoredError", "u8"],
  ["receiveErrorCount", "u8"],
  ["transmitErrorCount", "u8"],
  ["totalErrorCount", "u32"],
  ["totalTxLostCount", "u32"],
  ["totalRxLostCount", "u32"],
  ["totalTxCount", "u32"],
  ["totalRxCount", "u32"],
  ["totalForwardedCount", "u32"],
  ["totalTxChecksumErrorCount", "u32"],
  ["canSpeedKbps", "u16"],
  ["canDataSpeedKbps", "u16"],
  ["canfdEnabled", "u8"],
  ["brsEnabled", "u8"],
  ["canfdNonIso", "u8"],
  ["irq0CallRate", "u32"],
  ["irq1CallRate", "u32"],
  ["irq2CallRate", "u32"],
  ["canCoreResetCount", "u32"]
] as const satisfies ReadonlyArray<readonly [string, FieldType]>

type Decoded<F extends ReadonlyArray<readonly [string, FieldType]>> = { readonly [K in F[number][0]]: number }

/** The panda's health packet (request 0xd2), decoded. Voltage in mV, current in mA, uptime in s. */
export type PandaHealth = Decoded<typeof HEALTH_FIELDS>
/** One bus's CAN health (request 0xc2), decoded. */
export type CanHealth = Decoded<typeof CAN_HEALTH_FIELDS>

const structSize = (fields: ReadonlyArray<readonly [string, FieldType]>) => fields.reduce((n, [, t]) => n + SIZE[t], 0)

/** Bytes of the health packet (59). */
export const HEALTH_SIZE = structSize(HEALTH_FIELDS)
/** Bytes of the CAN health packet (64). */
export const CAN_HEALTH_SIZE = structSize(CAN_HEALTH_FIELDS)

const decode = <F extends ReadonlyArray<readonly [string, FieldType]>>(fields: F, view: DataView): Decoded<F> => {
  const out: Record<string, number> = {}
  let at = 0
  for (const [name, type] of fields) {
    out[name] =
      type === "u8" ? view.getUint8(at) : type === "u16" ? view.getUint16(at, true) : type === "u32" ? view.getUint32(at, true) : view.getFloat32(at, true)
    at += SIZE[type]
  }
  return out as Decoded<F>
}

const encode = (fields: ReadonlyArray<readonly [string, FieldType]>, value: Record<string, number>): Uint8Array => {
  const out = new Uint8Array(structSize(fields))
  const view = new DataView(out.buffer)
  let at = 0
  for (const [name, type] of fields) {
    const v = value[name] ?? 0
    if (type === "u8") view.setUint8(at, v)
    else if (type === "u16") view.setUint16(at, v, true)
    else if (type === "u32") view.setUint32(at, v, true)
    else view.setFloat32(at, v, true)
    at += SIZE[type]
  }
  return out
}

const viewOf = (bytes: DataView | Uint8Array, size: number, what: string): DataView => {
  const view = bytes instanceof DataView ? bytes : new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.byteLength < size) throw new RangeError(`${what}: ${view.byteLength} bytes, expected ${size}`)
  return view
}

/** Decodes the 59-byte health packet. Throws RangeError when it is shorter. */
export const decodeHealth = (bytes: DataView | Uint8Array): PandaHealth => decode(HEALTH_FIELDS, viewOf(bytes, HEALTH_SIZE, "health packet"))
/** Decodes the 64-byte CAN health packet. Throws RangeError when it is shorter. */
export const decodeCanHealth = (bytes: DataView | Uint8Array): CanHealth => decode(CAN_HEALTH_FIELDS, viewOf(bytes, CAN_HEALTH_SIZE, "CAN health packet"))
/** Encodes a health packet (missing fields are 0); the simulated panda answers with it. */
export const encodeHealth = (h: Partial<PandaHealth>): Uint8Array => encode(HEALTH_FIELDS, h)
/** Encodes a CAN health packet (missing fields are 0). */
export const encodeCanHealth = (h: Partial<CanHealth>): Uint8Array => encode(CAN_HEALTH_FIELDS, h)

/** Decodes the `<II` reply of request 0xdd: health and CAN packet version hashes. */
export const decodePacketVersions = (bytes: DataView | Uint8Array): { readonly health: number; readonly can: number } => {
  const view = viewOf(bytes, 8, "packet versions")
  return { health: view.getUint32(0, true), can: view.getUint32(4, true) }
}

/** Decodes a NUL-padded ASCII string (firmware version, serial). */
export const decodeAscii = (bytes: DataView | Uint8Array): string => {
  const u8 = bytes instanceof DataView ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes
  let s = ""
  for (const b of u8) {
    if (b === 0) break
    s += String.fromCharCode(b)
  }
  return s.trim()
}
