import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import path from "node:path"

/** The repository root (tests/dbc → ../..). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

/** ../shared/data relative to the repository root. */
export const sharedData = path.resolve(repoRoot, "../shared/data")

/** Path of a file under ../shared/data. */
export const dataPath = (...parts: string[]): string => path.join(sharedData, ...parts)

/** A frame of a reference-decoder oracle CSV (`mono_time_ns,bus,address,data_hex`). */
export interface OracleFrame {
  readonly timeNs: number
  readonly bus: number
  readonly address: number
  readonly data: Uint8Array
}

/** Reads an oracle `*.frames.csv` with a plain split (independent of the CSV code under test). */
export const readOracleFrames = (file: string): OracleFrame[] => {
  const lines = readFileSync(dataPath("rlog", file), "utf8").split("\n")
  if (lines[0] !== "mono_time_ns,bus,address,data_hex") throw new Error(`unexpected oracle header: ${lines[0]}`)
  const out: OracleFrame[] = []
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === "") continue
    const [t, bus, addr, hex] = lines[i].split(",")
    out.push({ timeNs: Number(t), bus: Number(bus), address: parseInt(addr, 16), data: Uint8Array.from(Buffer.from(hex, "hex")) })
  }
  return out
}

/** The Subaru demo's truth file. */
export const subaruTruth = (): any => JSON.parse(readFileSync(dataPath("rlog", "subaru_cruise_demo.truth.json"), "utf8"))

/** Subaru demo time base: t_rel = (logMonoTime − t0) / 1e9. */
export const SUBARU_T0_NS = 52347120000000
