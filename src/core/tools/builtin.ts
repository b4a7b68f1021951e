import type { ToolDefinition } from "./define-tool.js"
import { canBitwatch } from "./can-bitwatch/tool.js"
import { canBusCheck } from "./can-bus-check/tool.js"
import { canCapture } from "./can-capture/tool.js"
import { hybridRxTrace } from "./hybrid-rx-trace/tool.js"
import { pandaState } from "./panda-state/tool.js"
import { cruiseControlAnalyzer } from "./cruise-control-analyzer/tool.js"
import { dbcSignals } from "./dbc-signals/tool.js"
import { findSimilarBits } from "./find-similar-bits/tool.js"
import { rlogToCsvTool } from "./rlog-to-csv/tool.js"

/** Every tool that ships with cts-lite, in the order `capabilities` lists them. */
export const builtinTools: ReadonlyArray<ToolDefinition> = [
  rlogToCsvTool,
  cruiseControlAnalyzer,
  canBitwatch,
  findSimilarBits,
  dbcSignals,
  canBusCheck,
  canCapture,
  hybridRxTrace,
  pandaState
]
