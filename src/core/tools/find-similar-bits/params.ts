import { Schema } from "effect"
import { optionalParam, withDefault } from "../shared/param-schemas.js"

/** Booleans of the log a bit can be compared with. */
export const SIMILARITY_SIGNALS = ["cruiseState.enabled", "brakePressed", "leftBlinker", "rightBlinker", "gasPressed", "controlsAllowed"] as const

/** One of SIMILARITY_SIGNALS. */
export type SimilaritySignal = (typeof SIMILARITY_SIGNALS)[number]

/** Params of find-similar-bits. */
export const FindSimilarBitsParams = Schema.Struct({
  signal: withDefault(
    Schema.Literal(...SIMILARITY_SIGNALS),
    "cruiseState.enabled",
    "Boolean to compare every bit with: carState.cruiseState.enabled, carState.brakePressed / leftBlinker / rightBlinker / gasPressed, or pandaStates controlsAllowed (first panda)."
  ),
  min_samples: withDefault(
    Schema.Int.pipe(Schema.positive()),
    100,
    "Fewest frames (taken after the signal's first value) a (bus, address) stream needs to be ranked."
  ),
  include_echo: withDefault(
    Schema.Boolean,
    false,
    "Also rank TX echoes (src 128+n) and rejected sends (192+n) as their own buses; by default only received frames are ranked."
  ),
  dbc: optionalParam(
    Schema.String,
    "Bundled opendbc DBC whose signal names label the bits (e.g. `subaru_global_2017_generated`); labels only. Default: none (bits unlabelled)."
  )
})

/** Decoded find-similar-bits params. */
export type FindSimilarBitsParams = typeof FindSimilarBitsParams.Type
