import { Effect } from "effect"
import { ArtifactStore, type ArtifactMeta } from "../../../core/artifacts/artifact-store.js"
import { Executor, type RunRecord } from "../../../core/executor/executor.js"
import { UPLOAD_OWNER_KEY } from "../../../core/artifacts/uploads.js"
import { notFound } from "../api-error.js"
import { isPlausibleId, type ApiContext } from "../route-kit.js"

export { UPLOAD_OWNER_KEY } from "../../../core/artifacts/uploads.js"

/** The run `id` if it belongs to the caller; any other case (malformed, unknown, foreign) is the same 404. */
export const ownRun = async (ctx: ApiContext, id: string | undefined): Promise<RunRecord> => {
  if (!isPlausibleId(id)) throw notFound("run", String(id ?? ""))
  const run = await ctx.core(Effect.flatMap(Executor, (e) => e.get(id))).catch((error) => {
    if ((error as { status?: number }).status === 404) throw notFound("run", id)
    throw error
  })
  if (run.owner !== ctx.principal.id) throw notFound("run", id)
  return run
}

/** Who may read an artifact: the owner of its run, or the uploader of an upload. */
export const canRead = async (ctx: ApiContext, meta: ArtifactMeta): Promise<boolean> => {
  if (meta.runId !== null) {
    const run = await ctx.core(Effect.flatMap(Executor, (e) => e.get(meta.runId!))).catch(() => null)
    return run !== null && run.owner === ctx.principal.id
  }
  return meta.metadata?.[UPLOAD_OWNER_KEY] === ctx.principal.id
}

/** The artifact `id` if the caller may read it; otherwise the same 404 as an unknown id. */
export const ownArtifact = async (ctx: ApiContext, id: string | undefined): Promise<ArtifactMeta> => {
  if (!isPlausibleId(id)) throw notFound("artifact", String(id ?? ""))
  const meta = await ctx.core(Effect.flatMap(ArtifactStore, (s) => s.stat(id))).catch((error) => {
    if ((error as { status?: number }).status === 404) throw notFound("artifact", id)
    throw error
  })
  if (!(await canRead(ctx, meta))) throw notFound("artifact", id)
  return meta
}
