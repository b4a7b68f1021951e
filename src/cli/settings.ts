import { existsSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import { cliSettings, type CliSettings, type GlobalFlags } from "./cli-settings-spec.js"

export type { CliSettings, GlobalFlags } from "./cli-settings-spec.js"

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
