import { ownedRun, readableArtifact } from "../../../core/access/ownership.js"
import type { ArtifactMeta } from "../../../core/artifacts/artifact-store.js"
import type { RunRecord } from "../../../core/executor/executor.js"
import type { ApiContext } from "../route-kit.js"

export { UPLOAD_OWNER_KEY } from "../../../core/artifacts/uploads.js"

/** The run `id` if it belongs to the caller; any other case (malformed, unknown, foreign) is the same 404 (core ownership rules). */
export const ownRun = (ctx: ApiContext, id: string | undefined): Promise<RunRecord> => ctx.core(ownedRun(ctx.principal.id, id))

/** The artifact `id` if the caller may read it; otherwise the same 404 as an unknown id. */
export const ownArtifact = (ctx: ApiContext, id: string | undefined): Promise<ArtifactMeta> => ctx.core(readableArtifact(ctx.principal.id, id))
