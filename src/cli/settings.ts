import { existsSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import type { Setting } from "../core/config-provider.js"
import { httpUrl, text, textAs } from "../core/config-rules.js"

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

/** The CLI's settings: variable, key of `~/.config/cts/config.toml`, flag, and what each accepts. */
export const cliSettings = {
  server: { env: "CTS_URL", file: "server", flag: "--server", rule: httpUrl },
  token: { env: "CTS_TOKEN", file: "token", flag: "--token", rule: textAs("a bearer token") },
  outDir: { env: "CTS_OUT_DIR", file: "out_dir", rule: text }
} as const satisfies Record<string, Setting<unknown>>

/** `$XDG_CONFIG_HOME/cts/config.toml`, else `~/.config/cts/config.toml`. */
export const configFilePath = (env: NodeJS.ProcessEnv = process.env): string => {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.length > 0 ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), ".config")
  return join(base, "cts", "config.toml")
}

/**
 * Reads the config file, `CTS_URL` / `CTS_TOKEN` / `CTS_OUT_DIR` and the flags through one ConfigProvider:
 * flags win, then env, then file (`--embedded` sets no server). A bad value is `invalid_config` naming its source.
 * When none of them is there, nothing is read (and effect, which reading loads, stays unloaded: fast commands).
 */
export const resolveSettings = async (flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): Promise<CliSettings> => {
  const path = configFilePath(env)
  const given = [flags.server, flags.token, ...Object.values(cliSettings).map(s => env[s.env])].some(v => v !== undefined)
  if (!given && !existsSync(path)) return { server: null, token: null, outDir: null, json: flags.json === true, configFile: null }
  return (await import("./settings-read.js")).readCliSettings(flags, env, path)
}
