/** Formats seconds as `MM:SS.mmm` (minutes not wrapped at 60), the old tools' `*_mmss` columns. */
export const formatMmss = (seconds: number): string => {
  const sign = seconds < 0 ? "-" : ""
  const totalMs = Math.round(Math.abs(seconds) * 1000)
  const minutes = Math.floor(totalMs / 60_000)
  const ms = totalMs - minutes * 60_000
  const secs = Math.floor(ms / 1000)
  return `${sign}${String(minutes).padStart(2, "0")}:${String(secs).padStart(2, "0")}.${String(ms % 1000).padStart(3, "0")}`
}

/**
 * Exact decimal seconds of a nanosecond count (integer arithmetic, no float rounding), with
 * `decimals` digits (0–9) truncated toward zero. `formatNsAsSeconds(1_234_567_890, 6)` → `1.234567`.
 */
export const formatNsAsSeconds = (ns: number, decimals = 9): string => {
  const negative = ns < 0
  const abs = Math.abs(Math.trunc(ns))
  const whole = Math.floor(abs / 1e9)
  const frac = abs - whole * 1e9
  const digits = String(frac).padStart(9, "0").slice(0, Math.max(0, Math.min(9, decimals)))
  const text = digits.length > 0 ? `${whole}.${digits}` : `${whole}`
  return negative && abs !== 0 ? `-${text}` : text
}

/** Rounds to `decimals` places, returning a number (for JSON and CSV cells). */
export const roundTo = (value: number, decimals: number): number => {
  const f = 10 ** decimals
  return Math.round(value * f) / f
}
