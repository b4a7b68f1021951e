import { Effect, Layer } from "effect"
import { makePandaDevice, PandaDevice } from "./panda-device.js"

/**
 * `PandaDevice` in Node, over the optional `usb` package's `WebUSB` class. Without the package, or on a
 * machine with no USB subsystem, `list` and `open` fail with `no_panda` and the udev hint.
 */
export const PandaDeviceNodeLive: Layer.Layer<PandaDevice> = Layer.effect(
  PandaDevice,
  Effect.promise(() => (nodeDevice ??= loadNodeDevice()))
)

/** One service per thread, so every open of a panda in it shares the connection. */
let nodeDevice: Promise<PandaDevice["Type"]> | undefined

const loadNodeDevice = async (): Promise<PandaDevice["Type"]> => {
  try {
    const { WebUSB } = await import("usb")
    return makePandaDevice(new WebUSB({ allowAllDevices: true }))
  } catch (e) {
    const detail = `the optional \`usb\` package could not be loaded: ${e instanceof Error ? e.message : String(e)}`
    return makePandaDevice({ getDevices: () => Promise.reject(new Error(detail)) })
  }
}
