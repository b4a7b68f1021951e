/// <reference types="w3c-web-usb" />
import type { CtsError } from "../errors.js"
import { pandaBusy, pandaDeviceLost, pandaPermissionDenied, pandaUsbError } from "./panda-errors.js"

const text = (e: unknown): string => (e instanceof Error ? `${e.name !== "Error" ? `${e.name}: ` : ""}${e.message}` : String(e))

/**
 * Maps a WebUSB failure (browser DOMException or the `usb` package's Error) to a typed error:
 * a vanished device is `device_lost`, a refused open `permission_denied`, an interface claimed elsewhere
 * `panda_busy`, anything else `usb_transfer_failed`.
 */
export const fromUsbError = (what: string, e: unknown): CtsError => {
  const t = text(e)
  if (/NotFoundError|NO_DEVICE|disconnected|device (was )?(gone|lost|removed)|No such device|ENODEV/i.test(t)) return pandaDeviceLost(`${what}: ${t}`)
  if (/LIBUSB_ERROR_BUSY|EBUSY|Resource busy|Unable to claim interface/i.test(t)) return pandaBusy(`${what}: ${t}`)
  if (/SecurityError|NotAllowedError|ACCESS|permission|EACCES/i.test(t)) return pandaPermissionDenied(`${what}: ${t}`)
  return pandaUsbError(what, t)
}
