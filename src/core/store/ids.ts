import { randomBytes } from "node:crypto"

let lastMs = 0
let counter = 0

/**
 * A new id, `<prefix>_<time><counter><random>`: ids sort lexicographically in creation order
 * within a process (and by millisecond across processes), so they double as pagination cursors.
 */
export const newId = (prefix: "run" | "art" | "upl"): string => {
  const now = Date.now()
  counter = now === lastMs ? counter + 1 : 0
  lastMs = now
  return `${prefix}_${now.toString(36).padStart(9, "0")}${counter.toString(36).padStart(4, "0")}${randomBytes(6).toString("hex")}`
}
