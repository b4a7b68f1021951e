import path from "node:path"

/** Kinds of config-file (TOML/JSON) value a setting takes besides a string; an array is joined with the rule's `separator`. */
export type FileValueKind = "number" | "boolean" | "array"

/** What a setting accepts: `parse` gives the value, or undefined when `raw` (trimmed, non-empty text) is not `expected`. */
export interface Rule<A> {
  readonly expected: string
  readonly parse: (raw: string) => A | undefined
  /** Added to the advice, e.g. where the docs explain the setting. */
  readonly advice?: string
  /** How the value is shown in a message (a URL's password or a secret is masked). */
  readonly show?: (raw: string) => string
  /** What a config file may give besides a string (default: strings only). */
  readonly fileKinds?: ReadonlyArray<FileValueKind>
  /** Between the items of a list given as text (and of a file's array once joined). */
  readonly separator?: string
}

/** Any text. */
export const text: Rule<string> = { expected: "a string", parse: raw => raw }

/** Text described as `expected` in messages. */
export const textAs = (expected: string): Rule<string> => ({ expected, parse: raw => raw })

/** Never shows the value itself in a message. */
export const hidden = (): string => "…"

/** A number > 0 (an integer when `integer`). */
export const positive = (integer: boolean): Rule<number> => ({
  expected: integer ? "a positive integer" : "a positive number",
  fileKinds: ["number"],
  parse: raw => {
    const n = Number(raw)
    return Number.isFinite(n) && n > 0 && (!integer || Number.isSafeInteger(n)) ? n : undefined
  }
})

/** A whole number from `min` to `max`. */
export const intRange = (min: number, max: number): Rule<number> => ({
  expected: `an integer from ${min} to ${max}`,
  fileKinds: ["number"],
  parse: raw => {
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined
  }
})

/** A limit of the log reader: a positive number, `Infinity` turning it off. */
export const readLimit: Rule<number> = {
  expected: "a positive number",
  advice: " (or Infinity to turn the limit off)",
  fileKinds: ["number"],
  parse: raw => (Number(raw) > 0 ? Number(raw) : undefined)
}

const TRUE = ["1", "true", "yes", "on"]
const FALSE = ["0", "false", "no", "off"]
/** true/false (also 1/0, yes/no, on/off). */
export const flag: Rule<boolean> = {
  expected: "true or false",
  fileKinds: ["boolean"],
  parse: raw => (TRUE.includes(raw.toLowerCase()) ? true : FALSE.includes(raw.toLowerCase()) ? false : undefined)
}

/** One of `values`. */
export const oneOf = <const V extends string>(values: ReadonlyArray<V>): Rule<V> => ({
  expected: values.length === 2 ? values.join(" or ") : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`,
  parse: raw => values.find(v => v === raw)
})

/** Items separated by `separator` (a file may give an array); empty items dropped. */
export const list = (separator = ",", expected = "a comma-separated list (or array) of strings"): Rule<ReadonlyArray<string>> => ({
  expected,
  separator,
  fileKinds: ["array"],
  parse: raw =>
    raw
      .split(separator)
      .map(x => x.trim())
      .filter(Boolean)
})

/** Directories separated by the platform's path delimiter (`:`; `;` on Windows). */
export const roots: Rule<ReadonlyArray<string>> = {
  expected: "a list of directories",
  separator: path.delimiter,
  fileKinds: ["array"],
  parse: raw => raw.split(path.delimiter).filter(r => r.trim() !== "")
}

/** An absolute http(s) URL, without trailing slashes. */
export const httpUrl: Rule<string> = {
  expected: "an absolute http(s) URL",
  parse: raw => {
    try {
      const url = new URL(raw)
      if (url.protocol === "http:" || url.protocol === "https:") return url.href.replace(/\/+$/, "")
    } catch {}
    return undefined
  },
  show: raw => raw.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@")
}

const sizeUnits: Record<string, number> = { "": 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 }
/** Bytes from `1048576`, `512MiB`, `2GB`. */
export const byteSize: Rule<number> = {
  expected: "a positive size such as 1048576, 512MiB or 2GB",
  fileKinds: ["number"],
  parse: raw => {
    const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw)
    const unit = m ? sizeUnits[m[2]!.toLowerCase()] : undefined
    const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : 0
    return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined
  }
}

const maskPassword = (raw: string) => raw.replace(/:[^:@/]*@/, ":***@")
const backendAdvice = " (see docs/configuration.md, storage backends)"
/** `sqlite` or a `postgres://` / `postgresql://` URL. */
export const storeRule: Rule<string> = {
  expected: "sqlite or a postgres://user@host:port/database URL",
  advice: backendAdvice,
  parse: raw => (raw === "sqlite" || /^postgres(ql)?:\/\/[^\s]+$/.test(raw) ? raw : undefined),
  show: maskPassword
}
/** `local` or `s3://bucket[/prefix]`. */
export const artifactsRule: Rule<string> = {
  expected: "local or s3://bucket/prefix",
  advice: backendAdvice,
  parse: raw => (raw === "local" || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/.test(raw) ? raw : undefined)
}
/** `memory` or a `redis://` / `rediss://` URL. */
export const queueRule: Rule<string> = {
  expected: "memory or a redis://[user:password@]host:port[/db] URL",
  advice: " (see docs/deployment.md, scale-out)",
  parse: raw => (raw === "memory" || /^rediss?:\/\/[^\s]+$/.test(raw) ? raw : undefined),
  show: maskPassword
}

/** True when a `queue` setting names a shared Redis (BullMQ) queue. */
export const isRedisQueue = (queue: string | undefined): queue is string => queue !== undefined && /^rediss?:\/\//.test(queue)
