/**
 * `cts-lite/panda`: the comma.ai panda over WebUSB — CANPacket codec, health decoders, the `PandaDevice`
 * service and a simulated panda. Browser-safe: no Node built-ins; pass `navigator.usb` to
 * `PandaDevice.layerWebUsb`. In Node use `PandaDeviceNodeLive` from `cts-lite`.
 */
/// <reference types="w3c-web-usb" />
export { packCanPacket, packCanTransfers, createCanUnpacker, isCanPayloadLength, DLC_TO_LEN, CAN_PACKET_HEADER } from "./core/panda/can-packet.js"
export type { PacketFrame, UnpackResult, CanUnpacker } from "./core/panda/can-packet.js"
export { decodeHealth, decodeCanHealth, decodePacketVersions, encodeHealth, encodeCanHealth, HEALTH_SIZE, CAN_HEALTH_SIZE } from "./core/panda/panda-structs.js"
export type { PandaHealth, CanHealth } from "./core/panda/panda-structs.js"
export {
  PANDA_VENDOR_IDS,
  PANDA_APP_PID,
  PANDA_BOOTSTUB_PID,
  PANDA_USB_FILTERS,
  PandaRequest,
  SafetyMode,
  READ_ONLY_SAFETY_MODES,
  KNOWN_PACKET_VERSIONS,
  CAN_SPEEDS_KBPS,
  CAN_DATA_SPEEDS_KBPS,
  isBootstubPid,
  safetyModeName
} from "./core/panda/panda-protocol.js"
export type { SafetyModeName } from "./core/panda/panda-protocol.js"
export { PANDA_UDEV_HINT } from "./core/panda/panda-errors.js"
export { PandaConnection } from "./core/panda/panda-connection.js"
export type { PandaInfo, ConnectOptions, ReceiveStats } from "./core/panda/panda-connection.js"
export { PandaDevice, makePandaDevice, createSimulatedUsb } from "./core/panda/panda-device.js"
export type { PandaHandle, PandaListing, OpenOptions } from "./core/panda/panda-device.js"
export { createSimulatedPanda } from "./core/panda/simulated-panda.js"
export type { SimulatedPanda, SimulatedPandaOptions } from "./core/panda/simulated-panda.js"
export type { CanFrame } from "./core/can/can-frame.js"
