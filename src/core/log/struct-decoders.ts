import type { CapnpMessage } from "./capnp-message.js"
import { DEVICE_TYPE_NAMES, GEAR_SHIFTER_NAMES, PANDA_TYPE_NAMES, SAFETY_MODEL_NAMES, SENTINEL_TYPE_NAMES, enumName } from "./event-tags.js"
import type { CarState, CruiseState, InitData, PandaState } from "./log-event.js"
import { MalformedMessage } from "./log-errors.js"

/**
 * Field offsets follow the Cap'n Proto layout of cereal's car.capnp / log.capnp (fields placed in
 * ordinal order into the first free slot of their size). Each reader gets the struct's data-section
 * start and size in words; a field beyond a short data section reads as its default (0 / false).
 */
const f32 = (m: CapnpMessage, d: number, dw: number, at: number) => (at + 4 <= dw * 8 ? m.dv.getFloat32(d + at, true) : 0)
const u16 = (m: CapnpMessage, d: number, dw: number, at: number) => (at + 2 <= dw * 8 ? m.dv.getUint16(d + at, true) : 0)
const u32 = (m: CapnpMessage, d: number, dw: number, at: number) => (at + 4 <= dw * 8 ? m.dv.getUint32(d + at, true) : 0)
const bit = (m: CapnpMessage, d: number, dw: number, at: number, b: number) => at < dw * 8 && ((m.bytes[d + at] >> b) & 1) === 1

/**
 * Opens the struct pointer at (segment `s`, word offset `p`; p < 0 = null pointer). An absent struct
 * reads as empty sections (every field its default): data section at `d`, `dw` words; pointers at
 * `ptrOff` of segment `seg`, `ptrCount` of them.
 */
const openStruct = (m: CapnpMessage, s: number, p: number) => {
  const present = p >= 0 && m.readStruct(s, p)
  return {
    d: present ? m.dataOff : 0,
    dw: present ? m.dataWords : 0,
    seg: m.seg,
    ptrOff: m.ptrOff,
    ptrCount: present ? m.ptrCount : 0
  }
}

const cruiseStateAt = (m: CapnpMessage, s: number, p: number): CruiseState => {
  const { d, dw } = openStruct(m, s, p)
  return { enabled: bit(m, d, dw, 0, 0), available: bit(m, d, dw, 0, 1), speed: f32(m, d, dw, 4) }
}

/** `CarState` (car.capnp): vEgo f32@0, gas f32@4, gasPressed bit 64, brakePressed bit 65, gearShifter u16@10, … cruiseState = pointer 2. */
export const readCarState = (m: CapnpMessage, s: number, p: number): CarState => {
  const { d, dw, seg, ptrOff, ptrCount } = openStruct(m, s, p)
  const hasCruise = ptrCount > 2
  return {
    vEgo: f32(m, d, dw, 0),
    aEgo: f32(m, d, dw, 28),
    vEgoRaw: f32(m, d, dw, 32),
    gas: f32(m, d, dw, 4),
    gasPressed: bit(m, d, dw, 8, 0),
    brake: f32(m, d, dw, 12),
    brakePressed: bit(m, d, dw, 8, 1),
    steeringAngleDeg: f32(m, d, dw, 16),
    steeringTorque: f32(m, d, dw, 20),
    standstill: bit(m, d, dw, 8, 3),
    leftBlinker: bit(m, d, dw, 8, 5),
    rightBlinker: bit(m, d, dw, 8, 6),
    canValid: bit(m, d, dw, 9, 2),
    gearShifter: enumName(GEAR_SHIFTER_NAMES, u16(m, d, dw, 10)),
    cruiseState: hasCruise ? cruiseStateAt(m, seg, ptrOff + 16) : { enabled: false, available: false, speed: 0 }
  }
}

/** `List(PandaState)` (log.capnp): controlsAllowed bit 65, pandaType u16@10, safetyModel u16@28, safetyRxInvalid u32@36, safetyParam u16@46, safetyRxChecksInvalid bit 480. */
export const readPandaStates = (m: CapnpMessage, s: number, p: number): Array<PandaState> => {
  if (p < 0 || !m.readList(s, p)) return []
  if (m.elemSize !== 7 && m.listCount > 0) throw new MalformedMessage("pandaStates is not a list of structs")
  const { listStart, listCount, stride, elemDataWords: dw } = m
  if (stride === 0 && listCount > 0) throw new MalformedMessage("pandaStates elements have no content")
  const out: Array<PandaState> = []
  for (let i = 0; i < listCount; i++) {
    const d = listStart + i * stride
    const model = u16(m, d, dw, 28)
    out.push({
      controlsAllowed: bit(m, d, dw, 8, 1),
      safetyModel: enumName(SAFETY_MODEL_NAMES, model),
      safetyModelId: model,
      safetyParam: u16(m, d, dw, 46),
      safetyRxInvalid: u32(m, d, dw, 36),
      safetyRxChecksInvalid: bit(m, d, dw, 60, 0),
      ignitionLine: bit(m, d, dw, 8, 0),
      pandaType: enumName(PANDA_TYPE_NAMES, u16(m, d, dw, 10))
    })
  }
  return out
}

/** `InitData`: deviceType u16@0, wallTimeNanos u64@8; dongleId, version, gitCommit, gitBranch = pointers 2, 3, 8, 9. */
export const readInitData = (m: CapnpMessage, s: number, p: number): InitData => {
  const { d, dw, seg, ptrOff, ptrCount } = openStruct(m, s, p)
  const text = (i: number) => (i < ptrCount ? m.readText(seg, ptrOff + i * 8) : "")
  return {
    dongleId: text(2),
    deviceType: enumName(DEVICE_TYPE_NAMES, u16(m, d, dw, 0)),
    version: text(3),
    gitCommit: text(8),
    gitBranch: text(9),
    wallTimeNanos: dw >= 2 ? m.dv.getBigUint64(d + 8, true) : 0n
  }
}

/** `Sentinel`: type u16@0. */
export const readSentinel = (m: CapnpMessage, s: number, p: number): { readonly type: string } => {
  const { d, dw } = openStruct(m, s, p)
  return { type: enumName(SENTINEL_TYPE_NAMES, u16(m, d, dw, 0)) }
}
