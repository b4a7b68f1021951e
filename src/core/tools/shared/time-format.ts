/** Formats seconds as `MM:SS.mmm` (minutes not wrapped at 60), the old tools' `*_mmss` columns. */
export const formatMmss = (seconds: number): string => {
  const sign = seconds < 0 ? "-" : ""
  const totalMs = Math.round(Math.abs(seconds) * 1000)
  const minutes = Math.floor(totalMs / 60_000)
  const ms = totalMs - minutes * 60_000
  const secs = Math.floor(ms / 1000)
  return `${sign}${String(minutes).padStart(2, "0")}:${String(secs).padStart(2, "0")}.${String(ms % 1000).padStart(3, "0")}`
}

/** Rounds to `decimals` places, returning a number (for JSON and CSV cells). */
export const roundTo = (value: number, decimals: number): number => {
  const f = 10 ** decimals
  return Math.round(value * f) / f
}
