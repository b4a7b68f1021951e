import { ValidationError } from "../errors.js"
import type { ArtifactMeta, ByteRange } from "./artifact-store.js"

/** `invalid_range` unless `range` is a whole-byte range inside the artifact; nothing when no range is asked. */
export const rangeError = (meta: ArtifactMeta, range?: ByteRange): ValidationError | null => {
  if (!range) return null
  const ok = Number.isInteger(range.start) && Number.isInteger(range.end) && range.start >= 0 && range.start <= range.end && range.end < meta.size
  return ok
    ? null
    : new ValidationError({
        code: "invalid_range",
        message: `Byte range ${range.start}-${range.end} is outside artifact ${meta.id} of ${meta.size} bytes`,
        suggestedAction: `Ask for a range within 0-${Math.max(meta.size - 1, 0)}`,
        details: { size: meta.size }
      })
}
