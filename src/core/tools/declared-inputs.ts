import { ValidationError } from "../errors.js"
import type { InputKind, ResolvedInput, ToolDefinition } from "./define-tool.js"
import { isLogKind, sniffInput, wrongInputType, type SniffedKind } from "./shared/input-kind.js"

const expectedText: Record<InputKind, string> = {
  rlog: "an rlog or qlog (raw, .zst or .bz2)",
  "can-csv": "a CAN CSV",
  dbc: "a DBC file"
}

/** Whether first bytes that sniff as `sniffed` are an input of `kind` (an rlog may be raw Cap'n Proto, or empty). */
const accepts = (kind: InputKind, sniffed: SniffedKind): boolean => (kind === "rlog" ? isLogKind(sniffed) || sniffed === "empty" : kind === sniffed)

/** True unless the tool opts out with `checkInputKinds: false` (it takes any bytes) or declares no inputs. */
export const checksInputKinds = (tool: ToolDefinition): boolean => tool.checkInputKinds !== false && tool.inputs.length > 0

/**
 * The tool's inputs, each checked against the kinds the tool declares (`inputs[].kind`) and carrying the
 * kind it matched (`input.kind`), so the tool sorts its inputs without reading them. Fails with
 * `missing_input` when a required input is absent and `wrong_input_type` for a file of another kind.
 * Reads at most 4 KiB of each input. Inputs of a tool that does not check kinds are returned as they are.
 */
export const typedInputs = async (tool: ToolDefinition, inputs: ReadonlyArray<ResolvedInput>): Promise<ReadonlyArray<ResolvedInput>> => {
  const declared = tool.inputs.map(i => i.kind)
  const expected = declared.map(k => expectedText[k]).join(" or ")
  if (inputs.length === 0 && tool.inputs.some(i => !i.optional)) {
    throw new ValidationError({
      code: "missing_input",
      message: `${tool.id} needs ${expected} as input; none was given.`,
      suggestedAction: `Pass ${expected}.`
    })
  }
  if (!checksInputKinds(tool)) return inputs
  const typed: Array<ResolvedInput> = []
  for (const input of inputs) {
    if (input.kind !== undefined && declared.includes(input.kind)) {
      typed.push(input)
      continue
    }
    const sniffed = await sniffInput(input)
    const kind = declared.find(k => accepts(k, sniffed))
    if (kind === undefined) throw wrongInputType(tool.id, input, sniffed, expected)
    // Inherits from the input (its sha256 is a live getter) and adds the kind.
    typed.push(Object.create(input, { kind: { value: kind, enumerable: true } }) as ResolvedInput)
  }
  return typed
}
