import { ValidationError } from "../../errors.js"
import type { ResolvedInput } from "../define-tool.js"
import { isLogKind, sniffInput, wrongInputType, type SniffedKind } from "./input-kind.js"

const noInput = (toolId: string, expected: string) =>
  new ValidationError({
    code: "missing_input",
    message: `${toolId} needs ${expected} as input; none was given.`,
    suggestedAction: `Pass ${expected}.`
  })

/** Checks that every input looks like a log (zstd, bz2 or raw Cap'n Proto); text files are refused. */
export const requireLogInputs = async (toolId: string, inputs: ReadonlyArray<ResolvedInput>): Promise<void> => {
  const expected = "an rlog or qlog (raw, .zst or .bz2)"
  if (inputs.length === 0) throw noInput(toolId, expected)
  for (const input of inputs) {
    const kind = await sniffInput(input)
    if (!isLogKind(kind) && kind !== "empty") throw wrongInputType(toolId, input, kind, expected)
  }
}

/** Sorts inputs into logs, CAN CSVs and DBC files by content; anything else is refused. */
export const classifyInputs = async (
  toolId: string,
  inputs: ReadonlyArray<ResolvedInput>,
  accept: ReadonlyArray<"log" | "can-csv" | "dbc">,
  expected: string
): Promise<{ logs: ResolvedInput[]; csvs: ResolvedInput[]; dbcs: ResolvedInput[]; kinds: SniffedKind[] }> => {
  if (inputs.length === 0) throw noInput(toolId, expected)
  const out = { logs: [] as ResolvedInput[], csvs: [] as ResolvedInput[], dbcs: [] as ResolvedInput[], kinds: [] as SniffedKind[] }
  for (const input of inputs) {
    const kind = await sniffInput(input)
    out.kinds.push(kind)
    if ((isLogKind(kind) || kind === "empty") && accept.includes("log")) out.logs.push(input)
    else if (kind === "can-csv" && accept.includes("can-csv")) out.csvs.push(input)
    else if (kind === "dbc" && accept.includes("dbc")) out.dbcs.push(input)
    else throw wrongInputType(toolId, input, kind, expected)
  }
  return out
}
