import { SystemError, ToolError, ValidationError } from "../errors.js"
import { hex32 } from "./panda-protocol.js"

/** The Linux udev rule that gives a user access to pandas (both vendor ids). */
export const PANDA_UDEV_HINT =
  "On Linux, allow your user to open the panda: create /etc/udev/rules.d/11-panda.rules containing " +
  '`SUBSYSTEM=="usb", ATTRS{idVendor}=="3801", ATTRS{idProduct}=="ddcc", MODE="0666"` and ' +
  '`SUBSYSTEM=="usb", ATTRS{idVendor}=="bbaa", ATTRS{idProduct}=="ddcc", MODE="0666"`, ' +
  "then run `sudo udevadm control --reload-rules && sudo udevadm trigger` and replug the panda."

/** No panda is connected (or the USB subsystem is missing). */
export const noPandaFound = (detail?: string, serial?: string) =>
  new SystemError({
    code: "no_panda",
    message: serial ? `No panda with serial ${serial} found${detail ? ` (${detail})` : ""}.` : `No panda found${detail ? ` (${detail})` : ""}.`,
    suggestedAction: `Plug the panda in (USB, powered through the car harness or a USB-C supply). ${PANDA_UDEV_HINT}`,
    details: { serial, detail }
  })

/** The OS refused to open the device. */
export const pandaPermissionDenied = (detail: string) =>
  new SystemError({
    code: "permission_denied",
    message: `Permission denied opening the panda: ${detail}.`,
    suggestedAction: PANDA_UDEV_HINT,
    details: { detail }
  })

/** The panda runs its bootstub, not the application firmware. */
export const pandaInBootloader = (serial: string) =>
  new ToolError({
    code: "panda_bootloader",
    message: `The panda${serial ? ` ${serial}` : ""} is in bootloader mode (bootstub); it cannot stream CAN.`,
    suggestedAction: "Flash the application firmware (python: `Panda().flash()` from the panda repository) or power-cycle the panda.",
    details: { serial }
  })

/** The panda's packet-version hashes are not ones our codec knows. */
export const pandaVersionMismatch = (got: { health: number; can: number }, known: ReadonlyArray<{ health: number; can?: number }>) =>
  new ToolError({
    code: "panda_version_mismatch",
    message:
      `The panda reports packet versions health ${hex32(got.health)} / CAN ${hex32(got.can)}; cts-lite knows ` +
      known.map(k => `health ${hex32(k.health)} / CAN ${k.can === undefined ? "any" : hex32(k.can)}`).join(", ") +
      ". Refusing to stream frames that might be decoded wrongly.",
    suggestedAction: "Update the panda's firmware or cts-lite so both speak the same packet versions.",
    details: { health: got.health, can: got.can }
  })

/** The panda went away (unplugged, reset) while in use. */
export const pandaDeviceLost = (detail: string) =>
  new ToolError({
    code: "device_lost",
    message: `The panda was disconnected: ${detail}.`,
    suggestedAction: "Check the USB cable and the panda's power, then start again; what was captured so far is kept.",
    details: { detail }
  })

/** A USB transfer failed in a way that is not a disconnect. */
export const pandaUsbError = (what: string, detail: string) =>
  new ToolError({
    code: "usb_transfer_failed",
    message: `USB ${what} failed: ${detail}.`,
    suggestedAction: "Replug the panda; if it keeps failing, check the cable and power.",
    details: { what, detail }
  })

/** A caller asked for something the panda or this handle refuses (bad bus, speed, frame, mode). */
export const pandaInvalidRequest = (code: string, message: string, suggestedAction: string) => new ValidationError({ code, message, suggestedAction })

/** Another process or thread holds the panda's interface (a second monitor on the same panda outside this process's shared handle). */
export const pandaBusy = (detail: string) =>
  new ToolError({
    code: "panda_busy",
    message: `The panda is in use by another program or monitor: ${detail}.`,
    suggestedAction:
      "Stop the other monitor (cts mon ls / cts mon stop) or program using the panda; monitors started together in one process share the panda instead.",
    details: { detail }
  })
