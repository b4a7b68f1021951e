import { readFileSync } from "node:fs"
import { rlogPath } from "./shared-data.js"

/** One row of a reference-decoder oracle (`mono_time_ns,bus,address,data_hex`; bus = raw src). */
export interface OracleFrame {
  readonly timeNs: number
  readonly bus: number
  readonly address: number
  /** Uppercase hex as the oracle writes it. */
  readonly hex: string
  readonly data: Uint8Array
}

const ORACLE_HEADER = "mono_time_ns,bus,address,data_hex"
const rowCache = new Map<string, ReadonlyArray<string>>()
const frameCache = new Map<string, ReadonlyArray<OracleFrame>>()

/**
 * The rows of an oracle `rlog/<file>` (e.g. `rav4_seg40.frames.csv`), header checked and dropped,
 * read with a plain split (independent of the CSV code under test). Cached per test file.
 */
export const oracleRows = (file: string): ReadonlyArray<string> => {
  let rows = rowCache.get(file)
  if (!rows) {
    const lines = readFileSync(rlogPath(file), "utf8").split("\n")
    if (lines[0] !== ORACLE_HEADER) throw new Error(`unexpected oracle header in ${file}: ${lines[0]}`)
    rows = lines.slice(1).filter(l => l.length > 0)
    rowCache.set(file, rows)
  }
  return rows
}

/** The frames of an oracle `rlog/<file>`, in file order. Cached per test file. */
export const oracleFrames = (file: string): ReadonlyArray<OracleFrame> => {
  let frames = frameCache.get(file)
  if (!frames) {
    frames = oracleRows(file).map(row => {
      const [t, bus, address, hex] = row.split(",")
      return { timeNs: Number(t), bus: Number(bus), address: parseInt(address, 16), hex, data: Uint8Array.from(Buffer.from(hex, "hex")) }
    })
    frameCache.set(file, frames)
  }
  return frames
}
