import type { BitSpec } from "../../can/bit-spec.js"
import { formatCanAddress } from "../../can/csv-format.js"
import type { Dbc } from "../../dbc/dbc-types.js"
import { ToolError } from "../../errors.js"
import type { BusChoice } from "../shared/bus-policy.js"
import { SPEED_MESSAGE } from "./reference-signals.js"

/** DBC message of the Set / Resume / Main buttons. */
export const PRESS_MESSAGE = "Cruise_Buttons"
/** DBC message of the cruise state (Cruise_On, Cruise_Activated). */
export const CRUISE_STATE_MESSAGE = "CruiseControl"

/** Frames the analysed buses carry for one DBC message, 0 when the message is absent. */
export type FramesOfMessage = (messageName: string) => number

const describe = (dbc: Dbc, name: string) => {
  const message = dbc.messagesByName.get(name)
  return message ? `${name} ${formatCanAddress(message.address)}` : name
}

/**
 * The rule that decides whether a log is a Subaru global-platform log this analysis can read, checked
 * after the first pass on the buses the bus policy chose:
 * - Wheel_Speeds (0x13A) frames are required: the speed timeline and target-speed intervals come from them.
 * - Without `engaged_bit`, Cruise_Buttons (0x146) or CruiseControl (0x240) frames are required too:
 *   presses come from the first, the engaged intervals from the second. With `engaged_bit` the user's
 *   bit gives the engaged intervals and neither is required.
 * Otherwise a ToolError `unsupported_log` names the messages looked for and what was found.
 */
export const requireSubaruReferences = (input: {
  readonly toolId: string
  readonly dbc: Dbc
  readonly framesOf: FramesOfMessage
  readonly engagedBit: BitSpec | undefined
  readonly bus: BusChoice
  readonly presentAddresses: number
}): void => {
  const { dbc, framesOf, engagedBit } = input
  const required = engagedBit ? [SPEED_MESSAGE] : [SPEED_MESSAGE, PRESS_MESSAGE, CRUISE_STATE_MESSAGE]
  const found = required.filter(name => framesOf(name) > 0)
  const speedFound = found.includes(SPEED_MESSAGE)
  const cruiseFound = engagedBit !== undefined || found.length > (speedFound ? 1 : 0)
  if (speedFound && cruiseFound) return
  const where = input.bus === "auto" ? "on the received buses" : `on bus ${input.bus}`
  const looked = required.map(n => describe(dbc, n)).join(", ")
  const missing = required.filter(n => !found.includes(n)).map(n => describe(dbc, n))
  const rule = speedFound
    ? `it needs ${describe(dbc, PRESS_MESSAGE)} or ${describe(dbc, CRUISE_STATE_MESSAGE)} for presses and engaged intervals (or an engaged_bit)`
    : `it needs ${describe(dbc, SPEED_MESSAGE)} for the speed timeline`
  throw new ToolError({
    code: "unsupported_log",
    message:
      `${input.toolId} reads Subaru global-platform logs only: it looked for ${looked} ${where} and found ` +
      `${found.length === 0 ? "none of them" : `only ${found.map(n => describe(dbc, n)).join(", ")}`} ` +
      `(${input.presentAddresses} addresses present there); ${rule}. This does not look like a Subaru global-platform log.`,
    suggestedAction:
      "For another car use can-bitwatch (bits that toggle inside a time window), find-similar-bits (bits that follow carState / pandaStates booleans) or dbc-signals with that car's DBC. For a Subaru log, check `bus` (auto, or the bus carrying 0x13A).",
    details: { looked_for: required, missing, bus: input.bus, engaged_bit: engagedBit?.text ?? null }
  })
}
