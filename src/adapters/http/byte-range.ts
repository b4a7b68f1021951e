/** What a `Range` header asks of a representation of `size` bytes. */
export type RangeRequest =
  | { readonly kind: "full" }
  | { readonly kind: "partial"; readonly start: number; readonly end: number }
  | { readonly kind: "unsatisfiable" }

/**
 * Parses a single `bytes=` range (`a-b`, `a-`, `-n`). Multiple ranges, other units and
 * malformed headers are answered with the full body, as RFC 9110 allows.
 */
export const parseRange = (header: string | null, size: number): RangeRequest => {
  if (header === null) return { kind: "full" }
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!m || (m[1] === "" && m[2] === "")) return { kind: "full" }
  if (m[1] === "") {
    const suffix = Number(m[2])
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" }
    return { kind: "partial", start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (!Number.isSafeInteger(start) || start >= size) return { kind: "unsatisfiable" }
  if (end < start) return { kind: "full" }
  return { kind: "partial", start, end }
}
