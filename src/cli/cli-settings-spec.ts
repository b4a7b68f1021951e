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
