import { inflateRawSync } from "node:zlib"

/** Name → bytes of every entry of a ZIP archive, read through its central directory. */
export const zipEntries = (zip: Buffer): Map<string, Buffer> => {
  let eocd = zip.length - 22
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--
  if (eocd < 0) throw new Error("not a ZIP: no end of central directory")
  const entries = new Map<string, Buffer>()
  let p = zip.readUInt32LE(eocd + 16)
  for (let n = zip.readUInt16LE(eocd + 10); n > 0; n--) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error("bad central directory entry")
    const method = zip.readUInt16LE(p + 10)
    const size = zip.readUInt32LE(p + 20)
    const nameLength = zip.readUInt16LE(p + 28)
    const skip = nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32)
    const local = zip.readUInt32LE(p + 42)
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const raw = zip.subarray(start, start + size)
    entries.set(zip.subarray(p + 46, p + 46 + nameLength).toString("utf8"), method === 8 ? inflateRawSync(raw) : Buffer.from(raw))
    p += 46 + skip
  }
  return entries
}
