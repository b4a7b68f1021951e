import { Effect } from "effect"
import type { ArtifactMeta, ArtifactPage, ArtifactQuery } from "../../model/artifact.js"
import { ValidationError, type CtsError } from "../errors.js"
import type { RunStoreService } from "../store/run-store.js"

/** Every artifact of `runId`, read page by page through `list` (a store's or the run store's listing), in its order. */
export const listAllArtifacts = (
  list: (query: ArtifactQuery) => Effect.Effect<ArtifactPage, CtsError>,
  runId: string
): Effect.Effect<Array<ArtifactMeta>, CtsError> =>
  Effect.gen(function* () {
    const items: Array<ArtifactMeta> = []
    let cursor: string | undefined
    do {
      const page = yield* list({ runId, limit: 1000, ...(cursor ? { cursor } : {}) })
      items.push(...page.items)
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    return items
  })

/** The artifacts a bundle of `runId` holds; `run_not_found` when there is no such run. */
export const bundledArtifacts = (runs: RunStoreService, runId: string): Effect.Effect<Array<ArtifactMeta>, CtsError> =>
  Effect.gen(function* () {
    const run = yield* runs.getRun(runId)
    if (!run) return yield* new ValidationError({ code: "run_not_found", message: `No run with id ${JSON.stringify(runId)}` })
    return yield* listAllArtifacts(runs.listArtifacts, runId)
  })
