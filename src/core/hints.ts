import type { CtsError } from "./errors.js"
import type { RunRecord } from "../model/run.js"

/**
 * How one surface (SDK, CLI, HTTP) words the hints that name one of its own settings or commands,
 * keyed by error code. Core errors carry a surface-neutral `suggestedAction`; the codes listed here
 * are those whose fix is "change setting X" or "list Y", which each surface spells its own way
 * (`timeoutMs`, `--timeout SECONDS`, `timeout_s`). Codes not listed keep the core's words.
 */
export type HintWording = Readonly<Record<string, string>>

/** The hint a surface shows for an error: its own wording for the error's code, else the core's hint. */
export const hintFor = (wording: HintWording, error: { readonly code: string; readonly suggestedAction?: string | undefined }): string | undefined =>
  Object.hasOwn(wording, error.code) ? wording[error.code] : error.suggestedAction

/** The run record with its error's hint in the surface's wording (the same record when nothing changes). */
export const withRunHint = (wording: HintWording, run: RunRecord): RunRecord => {
  if (run.error === null) return run
  const hint = hintFor(wording, run.error)
  if (hint === run.error.suggestedAction) return run
  const { suggestedAction: _core, ...error } = run.error
  return { ...run, error: hint === undefined ? error : { ...error, suggestedAction: hint } }
}

/** The error with its hint in the surface's wording: a new error of the same class, or the same error when nothing changes. */
export const withErrorHint = <E extends CtsError>(wording: HintWording, error: E): E => {
  const hint = hintFor(wording, error)
  if (hint === error.suggestedAction) return error
  const Same = error.constructor as new (fields: { code: string; message: string; suggestedAction?: string; details?: unknown }) => E
  return new Same({
    code: error.code,
    message: error.message,
    ...(hint !== undefined ? { suggestedAction: hint } : {}),
    ...(error.details !== undefined ? { details: error.details } : {})
  })
}
