/**
 * Constants of the comma.ai panda's USB protocol (firmware d9ed70b, 2026-07): identities, control
 * requests, safety modes, bit rates and the packet-version hashes our codec is known to match.
 */

/** USB vendor ids: current and legacy. */
export const PANDA_VENDOR_IDS: ReadonlyArray<number> = [0x3801, 0xbbaa]
/** Product id of a panda running its application firmware. */
export const PANDA_APP_PID = 0xddcc
/** Product id of a panda in its bootstub (bootloader). */
export const PANDA_BOOTSTUB_PID = 0xddee

/** True for a bootstub product id ((pid & 0xF0) == 0xe0). */
export const isBootstubPid = (pid: number): boolean => (pid & 0xf0) === 0xe0

/** The WebUSB filters that match any panda (application or bootstub). */
export const PANDA_USB_FILTERS: ReadonlyArray<{ vendorId: number }> = PANDA_VENDOR_IDS.map(vendorId => ({ vendorId }))

/** Vendor control requests (bRequest). */
export const PandaRequest = {
  firmwareVersion: 0xd6,
  health: 0xd2,
  canHealth: 0xc2,
  packetVersions: 0xdd,
  hwType: 0xc1,
  serial: 0xd0,
  mcuUid: 0xc3,
  setSafetyMode: 0xdc,
  setCanSpeed: 0xde,
  setCanDataSpeed: 0xf9,
  setCanFdAuto: 0xe8,
  resetCanComms: 0xc0,
  clearCanRing: 0xf1,
  heartbeat: 0xf3,
  disableHeartbeatChecks: 0xf8,
  powerSave: 0xe7,
  canLoopback: 0xe5,
  canEnable: 0xf4
} as const

/** Interface and bulk endpoints. */
export const PANDA_INTERFACE = 0
export const PANDA_CAN_IN_ENDPOINT = 1
export const PANDA_CAN_OUT_ENDPOINT = 3
/** Size of one CAN receive transfer. */
export const PANDA_RECEIVE_TRANSFER = 16384

/** Safety modes (opendbc CarParams.SafetyModel) by name. */
export const SafetyMode = {
  silent: 0,
  hondaNidec: 1,
  toyota: 2,
  subaru: 11,
  allOutput: 17,
  noOutput: 19,
  hondaBosch: 20,
  subaruPreglobal: 22
} as const
export type SafetyModeName = keyof typeof SafetyMode

/** Safety modes in which the panda never transmits. */
export const READ_ONLY_SAFETY_MODES: ReadonlyArray<number> = [SafetyMode.silent, SafetyMode.noOutput]

/** The name of a safety mode number, or `mode <n>`. */
export const safetyModeName = (mode: number): string => (Object.keys(SafetyMode) as SafetyModeName[]).find(k => SafetyMode[k] === mode) ?? `mode ${mode}`

/** CAN bit rates the firmware accepts (kbps); data phase also 2000 and 5000. */
export const CAN_SPEEDS_KBPS: ReadonlyArray<number> = [10, 20, 50, 100, 125, 250, 500, 1000]
export const CAN_DATA_SPEEDS_KBPS: ReadonlyArray<number> = [...CAN_SPEEDS_KBPS, 2000, 5000]

/** Hardware types (first byte of request 0xc1) of the H7 pandas. */
export const HW_TYPE_NAMES: Readonly<Record<number, string>> = { 0x07: "red panda", 0x09: "tres", 0x0a: "cuatro", 0xb1: "body" }

/**
 * Packet-version hashes (request 0xdd) known to match our codec: the first 4 bytes of sha256 of
 * board/health.h (and of opendbc/safety/can.h). `can: undefined` accepts any CAN packet hash with that
 * health hash: the CAN packet layout (v4) has not changed since 2023.
 */
export const KNOWN_PACKET_VERSIONS: ReadonlyArray<{ readonly firmware: string; readonly health: number; readonly can?: number }> = [
  { firmware: "panda d9ed70b (2026-07)", health: 0xf63f9de2 }
]

/** True when a (health, CAN) hash pair is in KNOWN_PACKET_VERSIONS. */
export const isKnownPacketVersion = (health: number, can: number): boolean =>
  KNOWN_PACKET_VERSIONS.some(v => v.health === health && (v.can === undefined || v.can === can))

/** A u32 as `0x` + 8 hex digits. */
export const hex32 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, "0")}`
