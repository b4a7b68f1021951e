const UPPER = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, "0"))

/** Uppercase hex of the bytes, no spaces, no prefix (`08FFFB00`). Empty payload → "". */
export const bytesToHex = (data: Uint8Array): string => {
  let out = ""
  for (let i = 0; i < data.length; i++) out += UPPER[data[i]]
  return out
}

const nibble = (c: number): number => {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 65 && c <= 70) return c - 55
  if (c >= 97 && c <= 102) return c - 87
  return -1
}

/**
 * Parses hex payload text: optional `0x` prefix, either case, spaces between bytes allowed
 * (`08FFFB00`, `0x08fffb00`, `08 FF FB 00`). Returns undefined when the text is not an even
 * number of hex digits.
 */
export const parseHexBytes = (text: string): Uint8Array | undefined => {
  let s = text.trim()
  if (s.startsWith("0x") || s.startsWith("0X")) s = s.slice(2)
  if (s.includes(" ")) s = s.replace(/ /g, "")
  if (s.length % 2 !== 0) return undefined
  const out = new Uint8Array(s.length / 2)
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(s.charCodeAt(2 * i))
    const lo = nibble(s.charCodeAt(2 * i + 1))
    if (hi < 0 || lo < 0) return undefined
    out[i] = (hi << 4) | lo
  }
  return out
}
