// Subpath imports: the CLI loads this on demand, and the effect barrel costs it several times more start-up.
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { ValidationError } from "./errors.js"
import type { Rule } from "./config-rules.js"

type Env = Readonly<Record<string, string | undefined>>

/** One setting, declared once: its variable, its config-file key and flag (when it has them) and what it accepts. */
export interface Setting<A> {
  /** The environment variable (also the setting's name in the ConfigProvider). */
  readonly env: string
  /** Its key in the config file's table, when the file may set it. */
  readonly file?: string
  /** The command-line flag that may set it, e.g. `--port`. */
  readonly flag?: string
  readonly rule: Rule<A>
}

/** Settings by the name a program uses for them. */
export type SettingsSpec = Readonly<Record<string, Setting<any>>>

/** What `settingsConfig(spec)` reads: each setting, None when unset or empty. */
export type SettingValues<S extends SettingsSpec> = { readonly [K in keyof S]: Option.Option<S[K] extends Setting<infer A> ? A : never> }

/** Where settings are read from. Later wins: the file's table, then the variables, then the flags. */
export interface SettingSources {
  readonly env: Env
  /** A config file's table (parsed TOML or JSON), its keys shown as `${prefix}${key}`; `name` says where it is. */
  readonly file?: { readonly table: unknown; readonly prefix: string; readonly name: string } | undefined
  /** Flag values by setting name (only settings that declare a `flag`). */
  readonly flags?: Readonly<Record<string, string | undefined>> | undefined
}

/**
 * The error for a value a rule refuses, naming where it was set (variable, file key or flag) and what is allowed;
 * `details.setting` is the setting's variable when `where` is another source.
 */
export const invalidSetting = (where: string, raw: string, rule: Rule<unknown>, setting = where): ValidationError =>
  new ValidationError({
    code: "invalid_config",
    message: `${where}=${JSON.stringify(rule.show ? rule.show(raw) : raw)} is not ${rule.expected}`,
    suggestedAction: `Set ${where} to ${rule.expected}${rule.advice ?? ""}, or unset it to use the default`,
    details: { variable: where, setting }
  })

/** Checks an explicit value (an option in code, not a variable) with `rule`; throws `invalid_config` naming `where`. */
export const checkSetting = <A>(rule: Rule<A>, value: string, where: string): A => {
  const parsed = rule.parse(value.trim())
  if (parsed === undefined) throw invalidSetting(where, value, rule)
  return parsed
}

/** The Effect `Config` of one setting: None when unset or empty, else the value `rule` accepts (else `InvalidData`). */
export const settingConfig = <A>(name: string, rule: Rule<A>): Config.Config<Option.Option<A>> =>
  Config.option(Config.string(name)).pipe(
    Config.mapOrFail(value => {
      const raw = Option.getOrUndefined(value)?.trim()
      if (raw === undefined || raw === "") return Either.right(Option.none<A>())
      const parsed = rule.parse(raw)
      if (parsed !== undefined) return Either.right(Option.some(parsed))
      return Either.left(ConfigError.InvalidData([name], `is not ${rule.expected}`))
    })
  )

/** One `Config` reading every setting of `spec`. */
export const settingsConfig = <S extends SettingsSpec>(spec: S): Config.Config<SettingValues<S>> =>
  Config.all(Object.fromEntries(Object.entries(spec).map(([key, s]) => [key, settingConfig(s.env, s.rule)]))) as unknown as Config.Config<SettingValues<S>>

const fileValue = (value: unknown, where: string, setting: Setting<unknown>): string => {
  const { rule } = setting
  const kinds = rule.fileKinds ?? []
  if (typeof value === "string") return value
  if ((typeof value === "number" && kinds.includes("number")) || (typeof value === "boolean" && kinds.includes("boolean"))) return String(value)
  if (Array.isArray(value) && kinds.includes("array") && value.every(v => typeof v === "string")) return value.join(rule.separator ?? ",")
  throw new ValidationError({
    code: "invalid_config",
    message: `${where} must be ${rule.expected}; got ${JSON.stringify(value)}.`,
    suggestedAction: `Set ${where} to ${rule.expected}${rule.advice ?? ""} (see docs/configuration.md).`,
    details: { variable: where, setting: setting.env }
  })
}

/**
 * The one ConfigProvider of `spec`'s settings: the file's table under the `CTS_*` variables under the flags.
 * A set value wins even when empty (then the default applies). Also says where each value came from.
 */
export const settingsProvider = (spec: SettingsSpec, sources: SettingSources): { provider: ConfigProvider.ConfigProvider; where: (name: string) => string } => {
  const values = new Map<string, string>()
  const where = new Map<string, string>()
  const set = (name: string, value: string, from?: string) => {
    values.set(name, value)
    if (from === undefined) where.delete(name)
    else where.set(name, from)
  }
  const { file } = sources
  if (file !== undefined) {
    if (typeof file.table !== "object" || file.table === null || Array.isArray(file.table))
      throw new ValidationError({ code: "invalid_config", message: `${file.name} must be a table.`, suggestedAction: "See docs/configuration.md." })
    const byKey = new Map(Object.values(spec).flatMap(s => (s.file !== undefined ? [[s.file, s] as const] : [])))
    for (const [key, value] of Object.entries(file.table)) {
      const setting = byKey.get(key)
      if (setting === undefined)
        throw new ValidationError({
          code: "invalid_config",
          message: `Unknown setting "${key}" in ${file.name}.`,
          suggestedAction: `Valid keys: ${[...byKey.keys()].join(", ")} (see docs/configuration.md).`,
          details: { setting: key }
        })
      set(setting.env, fileValue(value, `${file.prefix}${key}`, setting), `${file.prefix}${key}`)
    }
  }
  for (const [name, value] of Object.entries(sources.env)) if (value !== undefined) set(name, value)
  for (const [key, value] of Object.entries(sources.flags ?? {})) {
    const setting = spec[key]
    if (value !== undefined && setting?.flag !== undefined) set(setting.env, value, setting.flag)
  }
  return { provider: ConfigProvider.fromMap(values, { pathDelim: "\u0000" }), where: name => where.get(name) ?? name }
}

const firstInvalid = (error: ConfigError.ConfigError): { path: ReadonlyArray<string>; message: string } | undefined => {
  switch (error._op) {
    case "And":
    case "Or":
      return firstInvalid(error.left) ?? firstInvalid(error.right)
    case "InvalidData":
      return { path: error.path, message: error.message }
    default:
      return undefined
  }
}

/**
 * Loads `config` (made from `settingsConfig(spec)`) through the one provider of `sources`. Throws a
 * `ValidationError` (`invalid_config`) naming the variable, file key or flag of a refused value and what it accepts.
 */
export const readSettings = <A>(spec: SettingsSpec, config: Config.Config<A>, sources: SettingSources): A => {
  const { provider, where } = settingsProvider(spec, sources)
  const read = Effect.runSync(Effect.either(provider.load(config)))
  if (Either.isRight(read)) return read.right
  const invalid = firstInvalid(read.left)
  const name = invalid?.path[0]
  const setting = Object.values(spec).find(s => s.env === name)
  const raw = name === undefined ? undefined : provider.load(Config.string(name)).pipe(Effect.option, Effect.runSync)
  if (setting !== undefined && raw !== undefined && Option.isSome(raw)) throw invalidSetting(where(setting.env), raw.value.trim(), setting.rule, setting.env)
  throw new ValidationError({ code: "invalid_config", message: `The configuration could not be read: ${read.left}` })
}
