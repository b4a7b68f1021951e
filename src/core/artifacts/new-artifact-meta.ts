import type { ArtifactMeta } from "../../model/artifact.js"
import { newId } from "../store/ids.js"
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
