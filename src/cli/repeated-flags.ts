import { parseArgs } from "node:util"
import { usageError } from "./cli-error.js"

/** A string flag as `readStringFlags` reads it: long name, optional one-letter alias, and whether it may repeat. */
export interface StringFlag {
  readonly short?: string
  readonly repeatable: boolean
}

/**
 * Every value of each string flag, in command-line order. citty keeps only the last value of a
 * repeated flag, so commands read these from the raw args instead: a repeatable flag keeps all its
 * values; any other flag given more than once is refused (`duplicate_flag`) rather than silently
 * losing a value.
 */
export const readStringFlags = <K extends string>(rawArgs: ReadonlyArray<string>, flags: Readonly<Record<K, StringFlag>>): Record<K, Array<string>> => {
  const options: Record<string, { type: "string"; multiple: true; short?: string }> = {}
  for (const [name, flag] of Object.entries<StringFlag>(flags)) options[name] = { type: "string", multiple: true, ...(flag.short ? { short: flag.short } : {}) }
  const { values } = parseArgs({ args: [...rawArgs], options, strict: false, allowPositionals: true })
  const result = {} as Record<K, Array<string>>
  for (const [name, flag] of Object.entries<StringFlag>(flags)) {
    const given = values[name]
    const list = Array.isArray(given) ? given.filter((v): v is string => typeof v === "string") : []
    if (!flag.repeatable && list.length > 1) {
      throw usageError(
        "duplicate_flag",
        `--${name} is given ${list.length} times`,
        `Give --${name} once; only repeatable flags (see --help) take several values.`,
        {
          flag: name,
          values: list
        }
      )
    }
    result[name as K] = list
  }
  return result
}
