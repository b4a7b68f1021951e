import { readFileSync } from "node:fs"

/** Reads a little-endian float64 NumPy `.npy` (v1/v2) array as a flat Float64Array plus its shape. */
export const readNpyFloat64 = (file: string): { shape: number[]; values: Float64Array } => {
  const buf = readFileSync(file)
  if (buf.toString("latin1", 0, 6) !== "\x93NUMPY") throw new Error(`${file} is not a .npy file`)
  const major = buf[6]
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8)
  const start = major === 1 ? 10 : 12
  const header = buf.toString("latin1", start, start + headerLen)
  if (!header.includes("'descr': '<f8'")) throw new Error(`${file}: expected <f8, header ${header}`)
  if (header.includes("'fortran_order': True")) throw new Error(`${file}: fortran order not supported`)
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? "").split(",").map((s) => s.trim()).filter(Boolean).map(Number)
  const data = buf.subarray(start + headerLen)
  const values = new Float64Array(data.length / 8)
  for (let i = 0; i < values.length; i++) values[i] = data.readDoubleLE(i * 8)
  return { shape, values }
}
