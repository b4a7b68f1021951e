import { ValidationError } from "../errors.js"
import { MAX_SEGMENT, SEGMENT } from "../util/safe-file-name.js"

export { isSafeName, safeFileName } from "../util/safe-file-name.js"

const MAX_KEY = 1024

const invalid = (raw: string, why: string) =>
  new ValidationError({
    code: "invalid_key",
    message: `Artifact key ${JSON.stringify(raw.slice(0, 200))} is not allowed: ${why}`,
    suggestedAction: "Use '/'-separated names of letters, digits and ._+=@,()- (no '..', no leading '/', no '%' or '\\')",
    details: { key: raw.slice(0, 200) }
  })

/**
 * Normalises a store key (drops empty and `.` segments) or throws a ValidationError (`invalid_key`).
 * A normalised key is relative, has no `..`, NUL, control character, backslash or `%`, so it can never
 * name a file outside the store root. Percent-escapes are never decoded: `%` is refused outright.
 */
export const normalizeKey = (raw: string): string => {
  if (typeof raw !== "string" || raw.length === 0) throw invalid(String(raw), "it is empty")
  if (raw.length > MAX_KEY) throw invalid(raw, `it is longer than ${MAX_KEY} characters`)
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw invalid(raw, "it contains a control character")
  if (raw.includes("\\")) throw invalid(raw, "it contains a backslash")
  if (raw.includes("%")) throw invalid(raw, "it contains '%' (percent-encoding is not accepted)")
  if (raw.startsWith("/")) throw invalid(raw, "it is absolute")
  const segments = raw.split("/").filter(s => s !== "" && s !== ".")
  if (segments.length === 0) throw invalid(raw, "it has no name")
  for (const segment of segments) {
    if (segment === "..") throw invalid(raw, "it contains '..'")
    if (segment.length > MAX_SEGMENT) throw invalid(raw, `a segment is longer than ${MAX_SEGMENT} characters`)
    if (!SEGMENT.test(segment) || segment.endsWith(".") || segment.endsWith(" ")) {
      throw invalid(raw, `segment ${JSON.stringify(segment)} has characters outside [A-Za-z0-9._+=@,() -] or starts/ends badly`)
    }
  }
  return segments.join("/")
}
