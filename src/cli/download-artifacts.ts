import { join } from "node:path"
import type { ArtifactView, CtsClient } from "../client/cts-client.js"
import { refuseOverwrite, safeFileName, writeFileSafely } from "./files.js"

/** Safe, distinct file names for a set of artifacts (`name`, `name-2`, … on collisions). */
export const artifactFileNames = (artifacts: ReadonlyArray<ArtifactView>): Map<string, string> => {
  const used = new Set<string>()
  const names = new Map<string, string>()
  for (const a of artifacts) {
    const base = safeFileName(a.name, "artifact")
    let candidate = base
    for (let n = 2; used.has(candidate.toLowerCase()); n++) {
      const dot = base.lastIndexOf(".")
      candidate = dot > 0 ? `${base.slice(0, dot)}-${n}${base.slice(dot)}` : `${base}-${n}`
    }
    used.add(candidate.toLowerCase())
    names.set(a.id, candidate)
  }
  return names
}

/**
 * Downloads artifacts into `dir` under safe names; refuses (before writing anything) when a
 * target exists and `force` is off. Returns artifact id → saved path.
 */
export const downloadArtifacts = async (
  client: CtsClient,
  artifacts: ReadonlyArray<ArtifactView>,
  dir: string,
  force: boolean
): Promise<Map<string, string>> => {
  const names = artifactFileNames(artifacts)
  const targets = artifacts.map(a => join(dir, names.get(a.id)!))
  await refuseOverwrite(targets, force)
  const saved = new Map<string, string>()
  for (const [i, a] of artifacts.entries()) {
    const download = await client.downloadArtifact(a.id)
    await writeFileSafely(targets[i]!, download.body, force)
    saved.set(a.id, targets[i]!)
  }
  return saved
}
