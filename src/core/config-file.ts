import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { extname } from "node:path"
import { ValidationError } from "./errors.js"

type Env = Readonly<Record<string, string | undefined>>

const parse = (path: string, text: string): Record<string, unknown> => {
  const ext = extname(path).toLowerCase()
  if (ext !== ".toml" && ext !== ".json")
    throw new ValidationError({
      code: "invalid_config",
      message: `Config file ${path} must end in .toml or .json.`,
      suggestedAction: "Rename the file or point CTS_CONFIG_FILE at a .toml/.json file."
    })
  try {
    if (ext === ".json") return JSON.parse(text) as Record<string, unknown>
    // Loaded only when a config file is read (start-up stays fast without one).
    const { parse: parseToml } = createRequire(import.meta.url)("smol-toml") as typeof import("smol-toml")
    return parseToml(text) as Record<string, unknown>
  } catch (cause) {
    throw new ValidationError({
      code: "invalid_config",
      message: `Config file ${path} does not parse: ${(cause as Error).message}.`,
      suggestedAction: "Fix the file's syntax."
    })
  }
}

/**
 * Reads a TOML (`.toml`) or JSON (`.json`) config file into a plain object; `undefined` when `optional` and
 * the file does not exist. Throws `config_file_unreadable` or `invalid_config` (bad syntax or extension).
 */
export function readConfigFile(path: string): Record<string, unknown>
export function readConfigFile(path: string, options: { readonly optional: true }): Record<string, unknown> | undefined
export function readConfigFile(path: string, options?: { readonly optional: true }): Record<string, unknown> | undefined {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (cause) {
    if (options?.optional && (cause as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw new ValidationError({
      code: "config_file_unreadable",
      message: `Cannot read config file ${path}: ${(cause as Error).message}.`,
      suggestedAction: "Check CTS_CONFIG_FILE (or the file's permissions)."
    })
  }
  return parse(path, text)
}

/** The `[server]` and `[core]` tables of the service config file (`configFile`, default `CTS_CONFIG_FILE`; `null` = none). */
export interface ServiceConfigFile {
  readonly path: string | null
  readonly server: unknown
  readonly core: unknown
}

/** Reads the config file of `cts serve` / `cts worker`; any other table is refused with `invalid_config`. */
export const readServiceConfigFile = (env: Env, configFile?: string | null): ServiceConfigFile => {
  const path = configFile === undefined ? env.CTS_CONFIG_FILE || null : configFile
  const file = path ? readConfigFile(path) : {}
  for (const key of Object.keys(file)) {
    if (key !== "server" && key !== "core")
      throw new ValidationError({ code: "invalid_config", message: `Unknown section [${key}] in ${path}; use [server] and [core].` })
  }
  return { path, server: file.server, core: file.core }
}
