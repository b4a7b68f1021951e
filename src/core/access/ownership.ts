import { Effect } from "effect"
import { ArtifactStore, type ArtifactMeta } from "../artifacts/artifact-store.js"
import { UPLOAD_OWNER_KEY } from "../artifacts/uploads.js"
import { ValidationError, type CtsError } from "../errors.js"
import { Executor, type RunRecord } from "../executor/executor.js"

/**
 * Who may see what, for every surface that serves more than one principal (the HTTP server, its
 * clients, the web page). A run belongs to the principal that submitted it; a run's artifacts to the
 * run's owner; an upload to its uploader. Anything else — malformed, unknown or foreign — is the same
 * `<what>_not_found`, so ids of other principals cannot be probed. Returns a maker, so the error is built
 * only when a request fails: an Error captures a stack trace, too dear for every successful read.
 */
const notFound = (what: "run" | "artifact" | "upload", id: string, suggestedAction: string) => () =>
  new ValidationError({ code: `${what}_not_found`, message: `No ${what} with id "${id.slice(0, 128)}".`, details: { id: id.slice(0, 128) }, suggestedAction })

const isNotFound = (e: CtsError): boolean => e.code.endsWith("_not_found")

/** True when `id` has the shape of a run or artifact id (anything else cannot exist). */
export const isPlausibleId = (id: string | undefined): id is string => id !== undefined && /^[A-Za-z0-9_-]{1,128}$/.test(id)

/** The run `id` if `principal` owns it; otherwise `run_not_found`. */
export const ownedRun = (principal: string, id: string | undefined): Effect.Effect<RunRecord, CtsError, Executor> => {
  const missing = notFound("run", String(id ?? ""), "Check the run id.")
  if (!isPlausibleId(id)) return Effect.fail(missing())
  return Effect.flatMap(Executor, e => e.get(id)).pipe(
    Effect.catchIf(isNotFound, () => Effect.fail(missing())),
    Effect.filterOrFail(run => run.owner === principal, missing)
  )
}

/** True when `principal` may read the artifact: the owner of its run, or the uploader of an upload. */
export const mayReadArtifact = (principal: string, meta: ArtifactMeta): Effect.Effect<boolean, never, Executor> =>
  meta.runId === null
    ? Effect.succeed(meta.metadata?.[UPLOAD_OWNER_KEY] === principal)
    : Effect.flatMap(Executor, e => e.get(meta.runId!)).pipe(
        Effect.map(run => run.owner === principal),
        Effect.orElseSucceed(() => false)
      )

/** The artifact `id` if `principal` may read it; otherwise `artifact_not_found`. */
export const readableArtifact = (principal: string, id: string | undefined): Effect.Effect<ArtifactMeta, CtsError, Executor | ArtifactStore> => {
  const missing = notFound("artifact", String(id ?? ""), "Check the artifact id.")
  if (!isPlausibleId(id)) return Effect.fail(missing())
  return Effect.flatMap(ArtifactStore, s => s.stat(id)).pipe(
    Effect.catchIf(isNotFound, () => Effect.fail(missing())),
    Effect.filterEffectOrFail({ predicate: meta => mayReadArtifact(principal, meta), orFailWith: missing })
  )
}

/** The upload `id` if `principal` uploaded it (not a run's artifact, not someone else's); otherwise `upload_not_found`. */
export const ownedUpload = (principal: string, id: string): Effect.Effect<ArtifactMeta, CtsError, Executor | ArtifactStore> => {
  const missing = notFound("upload", id, "Upload the file first and use the id it returns.")
  return readableArtifact(principal, id).pipe(
    Effect.catchIf(isNotFound, () => Effect.fail(missing())),
    Effect.filterOrFail(meta => meta.runId === null && meta.metadata?.[UPLOAD_OWNER_KEY] === principal, missing)
  )
}
