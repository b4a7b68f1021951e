import { Effect, type Scope } from "effect"
import type { ArtifactStoreService } from "../artifacts/artifact-store.js"
import { isCtsError, SystemError, type CtsError } from "../errors.js"
import { checksInputKinds, typedInputs } from "../tools/declared-inputs.js"
import type { ResolvedInput, ToolDefinition } from "../tools/define-tool.js"
import { makeArtifactInputReads, readArtifactInputPromise } from "./artifact-input-reads.js"
import { openRunInput } from "./run-input.js"
import type { WorkerInput } from "./worker-protocol.js"

/**
 * Opens every checked input the way a worker does (a path input once, identity and roots re-checked;
 * an artifact input read through the ArtifactStore), closing them with the scope.
 */
const openAll = (store: ArtifactStoreService, inputs: ReadonlyArray<WorkerInput>): Effect.Effect<ReadonlyArray<ResolvedInput>, CtsError, Scope.Scope> =>
  Effect.gen(function* () {
    const reads = yield* makeArtifactInputReads(store, inputs)
    const read = readArtifactInputPromise(reads)
    return yield* Effect.forEach(inputs, (input, index) =>
      Effect.acquireRelease(Effect.tryPromise({ try: () => openRunInput(input, index, read, () => {}), catch: readFailed(input.name) }), opened =>
        Effect.promise(() => opened.close())
      )
    )
  })

/**
 * Checks, before a run is created, that each input's first bytes match a kind the tool declares
 * (`wrong_input_type` otherwise, see `typedInputs`) unless the tool opts out (`checkInputKinds: false`),
 * then runs the tool's own `precheck` (e.g. a DBC that must parse) on the typed inputs. Reads at most
 * 4 KiB per input beyond what the tool's precheck reads.
 */
export const precheckInputs = (
  tool: ToolDefinition,
  inputs: ReadonlyArray<WorkerInput>,
  params: unknown,
  store: ArtifactStoreService
): Effect.Effect<void, CtsError> =>
  Effect.gen(function* () {
    const opened = yield* openAll(store, inputs)
    const resolved =
      checksInputKinds(tool) && opened.length > 0
        ? yield* Effect.tryPromise({ try: () => typedInputs(tool, opened), catch: readFailed(opened.map(i => i.name).join(", ")) })
        : opened
    if (tool.precheck) yield* tool.precheck({ inputs: resolved, params })
  }).pipe(Effect.scoped)

const readFailed = (name: string) => (e: unknown) =>
  isCtsError(e)
    ? e
    : new SystemError({
        code: "io_error",
        message: `Reading input ${name} failed: ${(e as Error)?.message ?? String(e)}`,
        suggestedAction: "Check that the file is readable."
      })
