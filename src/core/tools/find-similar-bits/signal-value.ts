import type { LogEvent } from "../../log/log-event.js"
import type { SimilaritySignal } from "./params.js"

/** Which event kind carries the signal. */
export const signalSource = (signal: SimilaritySignal): "carState" | "pandaStates" => (signal === "controlsAllowed" ? "pandaStates" : "carState")

/** The signal's value in one event, or undefined when the event does not carry it. */
export const signalValue = (signal: SimilaritySignal, event: LogEvent): boolean | undefined => {
  if (signal === "controlsAllowed") return event.pandaStates?.[0]?.controlsAllowed
  const cs = event.carState
  if (!cs) return undefined
  switch (signal) {
    case "cruiseState.enabled":
      return cs.cruiseState.enabled
    case "brakePressed":
      return cs.brakePressed
    case "leftBlinker":
      return cs.leftBlinker
    case "rightBlinker":
      return cs.rightBlinker
    case "gasPressed":
      return cs.gasPressed
  }
}
