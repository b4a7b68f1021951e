/** Deepest nesting of arrays and objects a JSON request body may have; every documented body needs fewer than 10 levels. */
export const MAX_JSON_DEPTH = 64

/**
 * The nesting depth of JSON `text` (arrays and objects), counted without parsing, stopping as soon as
 * it passes `limit` so a hostile body never reaches a recursive parser or formatter. Brackets inside strings do not count.
 */
export const jsonDepthExceeds = (text: string, limit: number = MAX_JSON_DEPTH): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}
