import { Effect, type Scope } from "effect"
import { isCtsError, SystemError, type CtsError } from "../errors.js"
import type { InputKind, ResolvedInput, ToolDefinition } from "../tools/define-tool.js"
import { isLogKind, sniffInput, wrongInputType, type SniffedKind } from "../tools/shared/input-kind.js"
import { openWorkerInput } from "./input-file.js"
import type { WorkerInput } from "./worker-protocol.js"

/** Opens every checked input the way a worker does (once, identity and roots re-checked), closing them with the scope. */
const openAll = (inputs: ReadonlyArray<WorkerInput>): Effect.Effect<ReadonlyArray<ResolvedInput>, CtsError, Scope.Scope> =>
  Effect.forEach(inputs, (input) =>
    Effect.acquireRelease(
      Effect.tryPromise({ try: () => openWorkerInput(input, () => {}), catch: readFailed(input.name) }),
      (opened) => Effect.promise(() => opened.close())
    )
  )

const expectedText: Record<InputKind, string> = {
  rlog: "an rlog or qlog (raw, .zst or .bz2)",
  "can-csv": "a CAN CSV",
  dbc: "a DBC file"
}

const accepts = (kind: InputKind, sniffed: SniffedKind): boolean =>
  kind === "rlog" ? isLogKind(sniffed) || sniffed === "empty" : kind === sniffed

/**
 * Checks, before a run is created, that each input's first bytes match a kind the tool declares
 * (`wrong_input_type` otherwise) when the tool asks for it (`checkInputKinds`), then runs the tool's
 * own `precheck` (e.g. a DBC that must parse). Reads at most 4 KiB per input beyond what the
 * tool's precheck reads.
 */
export const precheckInputs = (tool: ToolDefinition, inputs: ReadonlyArray<WorkerInput>, params: unknown): Effect.Effect<void, CtsError> =>
  Effect.gen(function* () {
    const resolved = yield* openAll(inputs)
    const kinds = tool.inputs.map((i) => i.kind)
    if (tool.checkInputKinds === true && kinds.length > 0) {
      const expected = kinds.map((k) => expectedText[k]).join(" or ")
      for (const input of resolved) {
        const sniffed = yield* Effect.tryPromise({ try: () => sniffInput(input), catch: readFailed(input.name) })
        if (!kinds.some((k) => accepts(k, sniffed))) return yield* wrongInputType(tool.id, input, sniffed, expected)
      }
    }
    if (tool.precheck) yield* tool.precheck({ inputs: resolved, params })
  }).pipe(Effect.scoped)

const readFailed = (name: string) => (e: unknown) =>
  isCtsError(e)
    ? e
    : new SystemError({ code: "io_error", message: `Reading input ${name} failed: ${(e as Error)?.message ?? String(e)}`, suggestedAction: "Check that the file is readable." })
