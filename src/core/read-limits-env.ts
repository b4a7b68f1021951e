import { ValidationError } from "./errors.js"
import type { ReadLimits } from "./log/log-limits.js"

/** Environment variables that set the log reader's limits (docs/log-reader.md, "Reader limits"). */
export const READ_LIMIT_ENV_VARS: Readonly<Record<string, keyof ReadLimits>> = {
  CTS_LOG_TRAVERSAL_LIMIT_WORDS: "traversalLimitWords",
  CTS_LOG_MAX_CAN_PAYLOAD_BYTES: "maxCanPayloadBytes",
  CTS_LOG_MAX_LEADING_MALFORMED: "maxLeadingMalformed",
  CTS_LOG_MAX_DECOMPRESSION_RATIO: "maxDecompressionRatio",
  CTS_LOG_RATIO_GRACE_BYTES: "ratioGraceBytes"
}

/** Reader limits set by `CTS_LOG_*` variables (each a positive number; `Infinity` turns a limit off). */
export const readLimitsFromEnv = (env: Readonly<Record<string, string | undefined>>): Partial<ReadLimits> => {
  const out: Partial<Record<keyof ReadLimits, number>> = {}
  for (const [name, key] of Object.entries(READ_LIMIT_ENV_VARS)) {
    const raw = env[name]?.trim()
    if (raw === undefined || raw === "") continue
    const n = Number(raw)
    if (!(n > 0))
      throw new ValidationError({
        code: "invalid_config",
        message: `${name}=${JSON.stringify(raw)} is not a positive number`,
        suggestedAction: `Set ${name} to a positive number (or Infinity to turn the limit off), or unset it to use the default`,
        details: { variable: name }
      })
    out[key] = n
  }
  return out
}
