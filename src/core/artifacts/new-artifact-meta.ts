import { Effect } from "effect"
import type { ArtifactMeta } from "../../model/artifact.js"
import { ValidationError, type CtsError } from "../errors.js"
import { newId } from "../store/ids.js"
import type { RunStoreService } from "../store/run-store.js"
import { normalizeKey } from "./artifact-keys.js"
import type { PutArtifact } from "./artifact-store.js"

/** The metadata of an artifact just written under `key` (a fresh id, now as its time), the same for every store. */
export const newArtifactMeta = (spec: PutArtifact, key: string, size: number, sha256: string): ArtifactMeta => ({
  id: newId("art"),
  key,
  runId: spec.runId ?? null,
  name: spec.name,
  size,
  sha256,
  contentType: spec.contentType,
  createdAt: new Date().toISOString(),
  ...(spec.metadata ? { metadata: spec.metadata } : {})
})

/** The normalized key of a new artifact: refused when it is not a valid key, or `artifact_exists` when one is stored under it. */
export const freeArtifactKey = (runs: RunStoreService, rawKey: string): Effect.Effect<string, CtsError> =>
  Effect.gen(function* () {
    const key = yield* Effect.try({ try: () => normalizeKey(rawKey), catch: e => e as ValidationError })
    if (yield* runs.getArtifactByKey(key)) {
      return yield* new ValidationError({
        code: "artifact_exists",
        message: `An artifact with key ${JSON.stringify(key)} already exists`,
        suggestedAction: "Use a different artifact name"
      })
    }
    return key
  })

/** `artifact_not_found` for `id`, the same for every store. */
export const artifactNotFound = (id: string): ValidationError =>
  new ValidationError({
    code: "artifact_not_found",
    message: `No artifact with id ${JSON.stringify(id)}`,
    suggestedAction: "List a run's artifacts to find valid ids"
  })

/** The metadata of artifact `id` from the RunStore, or `artifact_not_found`. */
export const statArtifact = (runs: RunStoreService, id: string): Effect.Effect<ArtifactMeta, CtsError> =>
  Effect.flatMap(runs.getArtifact(id), m => (m ? Effect.succeed(m) : Effect.fail(artifactNotFound(id))))
