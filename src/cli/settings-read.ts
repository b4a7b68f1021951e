import * as Option from "effect/Option"
import { readConfigFile } from "../core/config-file.js"
import { readSettings, settingsConfig } from "../core/config-provider.js"
import { cliSettings, type CliSettings, type GlobalFlags } from "./cli-settings-spec.js"

const cliSettingsConfig = settingsConfig(cliSettings)

/** Reads the CLI's settings from the file at `path`, `env` and `flags` through the one ConfigProvider (flags win, then env, then file). */
export const readCliSettings = (flags: GlobalFlags, env: NodeJS.ProcessEnv, path: string): CliSettings => {
  const table = readConfigFile(path, { optional: true })
  const read = readSettings(cliSettings, cliSettingsConfig, {
    env,
    file: table === undefined ? undefined : { table, prefix: `${path}: `, name: path },
    flags: { server: flags.embedded ? "" : flags.server, token: flags.token }
  })
  return {
    server: Option.getOrNull(read.server),
    token: Option.getOrNull(read.token),
    outDir: Option.getOrNull(read.outDir),
    json: flags.json === true,
    configFile: table === undefined ? null : path
  }
}
