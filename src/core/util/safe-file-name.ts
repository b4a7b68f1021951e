/** One key segment: starts with a letter, digit or `_`; then letters, digits and `._+=@,()- `; no trailing dot or space. */
export const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._+=@,() -]*$/
/** Longest key segment (file name) accepted. */
export const MAX_SEGMENT = 200

/** True when `name` is a single valid key segment (an artifact name). */
export const isSafeName = (name: string): boolean =>
  typeof name === "string" && name.length > 0 && name.length <= MAX_SEGMENT && SEGMENT.test(name) && !name.endsWith(".") && !name.endsWith(" ")

/**
 * Turns any file name (a user's upload, an artifact written to disk) into one safe key segment:
 * the base name with every other character replaced by `_`; never empty, never `.`/`..` (then `fallback`).
 */
export const safeFileName = (name: string, fallback = "file"): string => {
  const base = String(name).split(/[\\/]/).pop() ?? ""
  let cleaned = base
    .replace(/[^A-Za-z0-9._+=@,() -]/g, "_")
    .replace(/^[^A-Za-z0-9_]+/, "")
    .replace(/[. ]+$/, "")
  if (cleaned.length > MAX_SEGMENT) {
    const ext = /\.[A-Za-z0-9]{1,10}$/.exec(cleaned)?.[0] ?? ""
    cleaned = cleaned.slice(0, MAX_SEGMENT - ext.length).replace(/[. ]+$/, "") + ext
  }
  return isSafeName(cleaned) ? cleaned : fallback
}
