import type { RunRecord } from "../core/executor/executor.js"
import { hintFor } from "../core/hints.js"
import { cliHints } from "./cli-hints.js"

/** A run's error as every `--json` error shows it: `suggested_actions` is a list, as in the HTTP API. */
export interface RunErrorJson {
  readonly category: string
  readonly code: string
  readonly message: string
  readonly suggested_actions: ReadonlyArray<string>
}

/** A run record as `--json` prints it: the SDK's fields, with the error in the one error shape of the CLI and the HTTP API. */
export type RunJson = Omit<RunRecord, "error"> & { readonly error: RunErrorJson | null }

/** The `--json` form of a run record. */
export const runJson = (run: RunRecord): RunJson => {
  const { error, ...rest } = run
  if (error === null) return { ...rest, error: null }
  const { suggestedAction: _core, ...fields } = error
  const hint = hintFor(cliHints, error)
  return { ...rest, error: { ...fields, suggested_actions: hint ? [hint] : [] } }
}
