import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

/** The repository root (tests/support → ../..). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

/** ../shared/data relative to the repository root. */
export const sharedData = path.resolve(repoRoot, "../shared/data")

/** Path of a file under ../shared/data. */
export const dataPath = (...parts: string[]): string => path.join(sharedData, ...parts)

/** Path of a file under ../shared/data/rlog. */
export const rlogPath = (name: string): string => dataPath("rlog", name)

/** The bytes of a file under ../shared/data/rlog. */
export const readFixture = (name: string): Uint8Array => new Uint8Array(readFileSync(rlogPath(name)))

/** A JSON file under ../shared/data/rlog. */
export const readJson = (name: string): any => JSON.parse(readFileSync(rlogPath(name), "utf8"))

/** The Subaru demo's ground truth (`rlog/subaru_cruise_demo.truth.json`). */
export const subaruTruth = (): any => readJson("subaru_cruise_demo.truth.json")

/** Subaru demo time base: t_rel = (logMonoTime − t0) / 1e9. */
export const SUBARU_T0_NS = 52347120000000

/** Frame period (s) of a Subaru demo message by address and bus, from the truth file's message table. */
export const subaruPeriod = (address: number, bus: number): number => {
  const m = subaruTruth().messages.find((x: any) => x.address === address && x.bus === bus)
  if (!m) throw new Error(`no message 0x${address.toString(16)} on bus ${bus} in the truth file`)
  return m.period_ms / 1000
}
