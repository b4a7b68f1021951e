import { readFileSync } from "node:fs"

/** A NumPy .npy array (format v1–v3, C order): its header fields and raw little-endian body. */
export interface NpyArray {
  readonly descr: string
  readonly shape: number[]
  readonly body: Buffer
}

/** Parses a .npy file: magic, version, header length (u16 in v1, u32 in v2/v3), Python-dict header. */
export const readNpy = (file: string): NpyArray => {
  const buf = readFileSync(file)
  if (buf.toString("latin1", 0, 6) !== "\x93NUMPY") throw new Error(`${file}: not a .npy file`)
  const major = buf[6]
  if (major < 1 || major > 3) throw new Error(`${file}: unknown .npy version ${major}`)
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8)
  const start = major === 1 ? 10 : 12
  const header = buf.toString("latin1", start, start + headerLen)
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1]
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1]
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1]
  if (!descr || fortran !== "False" || shapeText === undefined) throw new Error(`${file}: unexpected header ${header}`)
  const shape = shapeText
    .split(",")
    .map(s => s.trim())
    .filter(s => s.length > 0)
    .map(Number)
  return { descr, shape, body: buf.subarray(start + headerLen) }
}

const count = (a: NpyArray) => a.shape.reduce((x, y) => x * y, 1)

/** `<i8` values as numbers (all values in this data set are far below 2^53). */
export const npyInt64 = (a: NpyArray): number[] => {
  if (a.descr !== "<i8") throw new Error(`expected <i8, got ${a.descr}`)
  return Array.from({ length: count(a) }, (_, i) => Number(a.body.readBigInt64LE(i * 8)))
}

/** `<f8` values. */
export const npyFloat64 = (a: NpyArray): Float64Array => {
  if (a.descr !== "<f8") throw new Error(`expected <f8, got ${a.descr}`)
  return Float64Array.from({ length: count(a) }, (_, i) => a.body.readDoubleLE(i * 8))
}

/** `|S8` cells: trailing NULs stripped (as NumPy reads them), then right-padded to 8 bytes. */
export const npyBytes8 = (a: NpyArray): Uint8Array[] => {
  if (a.descr !== "|S8") throw new Error(`expected |S8, got ${a.descr}`)
  return Array.from({ length: count(a) }, (_, i) => {
    const cell = a.body.subarray(i * 8, i * 8 + 8)
    let end = 8
    while (end > 0 && cell[end - 1] === 0) end--
    const out = new Uint8Array(8)
    out.set(cell.subarray(0, end))
    return out
  })
}

/** A `<f8` .npy file as a flat Float64Array plus its shape. */
export const readNpyFloat64 = (file: string): { shape: number[]; values: Float64Array } => {
  const a = readNpy(file)
  return { shape: a.shape, values: npyFloat64(a) }
}
