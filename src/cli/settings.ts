import { readFileSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import { createRequire } from "node:module"
import { usageError } from "./cli-error.js"

/** Flags every command accepts. */
export interface GlobalFlags {
  readonly server?: string | undefined
  readonly token?: string | undefined
  readonly embedded?: boolean
  readonly json?: boolean
}

/** What a command runs with after merging the config file, the environment and flags (flags win). */
export interface CliSettings {
  /** Server base URL (remote mode) or `null` (embedded mode). */
  readonly server: string | null
  readonly token: string | null
  /** Default `--out-dir` for `cts run`. */
  readonly outDir: string | null
  readonly json: boolean
  /** The config file that was read, if any. */
  readonly configFile: string | null
}

interface FileConfig {
  readonly server?: string
  readonly token?: string
  readonly out_dir?: string
}

/** `$XDG_CONFIG_HOME/cts/config.toml`, else `~/.config/cts/config.toml`. */
export const configFilePath = (env: NodeJS.ProcessEnv = process.env): string => {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.length > 0 ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), ".config")
  return join(base, "cts", "config.toml")
}

const readConfigFile = (path: string): FileConfig | null => {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null
    throw usageError("config_unreadable", `Cannot read ${path}: ${(error as Error).message}`, "Fix the file's permissions or remove it.")
  }
  let doc: Record<string, unknown>
  try {
    // Loaded only when a config file exists (start-up stays fast without one).
    const { parse: parseToml } = createRequire(import.meta.url)("smol-toml") as typeof import("smol-toml")
    doc = parseToml(text) as Record<string, unknown>
  } catch (error) {
    throw usageError("config_invalid", `${path} is not valid TOML: ${(error as Error).message}`, 'Fix the syntax, e.g. server = "http://127.0.0.1:8080".')
  }
  const known = new Set(["server", "token", "out_dir"])
  for (const [key, value] of Object.entries(doc)) {
    if (!known.has(key)) {
      throw usageError("config_unknown_key", `${path}: unknown key "${key}"`, "Valid keys: server, token, out_dir.")
    }
    if (typeof value !== "string") {
      throw usageError("config_invalid", `${path}: "${key}" must be a string`, `Write it as ${key} = "…".`)
    }
  }
  return doc as FileConfig
}

const nonEmpty = (v: string | undefined | null): string | null => (v !== undefined && v !== null && v.length > 0 ? v : null)

/** Merges the config file, `CTS_URL` / `CTS_TOKEN` / `CTS_OUT_DIR` and the flags; flags win, then env, then file. */
export const resolveSettings = (flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): CliSettings => {
  const path = configFilePath(env)
  const file = readConfigFile(path)
  const server = flags.embedded ? null : (nonEmpty(flags.server) ?? nonEmpty(env.CTS_URL) ?? nonEmpty(file?.server))
  if (server !== null) {
    let url: URL
    try {
      url = new URL(server)
    } catch {
      throw usageError("invalid_server_url", `Server URL "${server}" is not a URL`, "Pass e.g. --server http://127.0.0.1:8080.")
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw usageError("invalid_server_url", `Server URL "${server}" must be http or https`, "Pass e.g. --server http://127.0.0.1:8080.")
    }
  }
  return {
    server: server === null ? null : server.replace(/\/+$/, ""),
    token: nonEmpty(flags.token) ?? nonEmpty(env.CTS_TOKEN) ?? nonEmpty(file?.token),
    outDir: nonEmpty(env.CTS_OUT_DIR) ?? nonEmpty(file?.out_dir),
    json: flags.json === true,
    configFile: file === null ? null : path
  }
}
