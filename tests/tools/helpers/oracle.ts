import { readFileSync } from "node:fs"
import { dataPath } from "./tool-context.js"

/** One row of a reference-decoder oracle (`<name>.frames.csv`). */
export interface OracleFrame {
  readonly timeNs: number
  readonly bus: number
  readonly address: number
  readonly hex: string
  readonly data: Uint8Array
}

const cache = new Map<string, OracleFrame[]>()

/** All frames of `rlog/<name>.frames.csv` (header `mono_time_ns,bus,address,data_hex`), in file order. */
export const oracleFrames = (name: string): OracleFrame[] => {
  const hit = cache.get(name)
  if (hit) return hit
  const lines = readFileSync(dataPath("rlog", `${name}.frames.csv`), "utf8").split("\n")
  if (lines[0] !== "mono_time_ns,bus,address,data_hex") throw new Error(`unexpected oracle header ${lines[0]}`)
  const out: OracleFrame[] = []
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]
    if (line === "") continue
    const [t, bus, address, hex] = line.split(",")
    out.push({ timeNs: Number(t), bus: Number(bus), address: parseInt(address, 16), hex, data: Uint8Array.from(Buffer.from(hex, "hex")) })
  }
  cache.set(name, out)
  return out
}

/** The Subaru demo's ground truth (`subaru_cruise_demo.truth.json`). */
export const subaruTruth = (): any => JSON.parse(readFileSync(dataPath("rlog", "subaru_cruise_demo.truth.json"), "utf8"))

/** Frame period (s) of a Subaru demo message by address and bus, from the truth file's message table. */
export const subaruPeriod = (address: number, bus: number): number => {
  const m = subaruTruth().messages.find((x: any) => x.address === address && x.bus === bus)
  if (!m) throw new Error(`no message 0x${address.toString(16)} on bus ${bus} in the truth file`)
  return m.period_ms / 1000
}
