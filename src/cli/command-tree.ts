import type { ArgsDef, CommandDef } from "citty"
import { usageError } from "./cli-error.js"

type AnyCommand = CommandDef<any>

/** A citty `Resolvable`: a value, a promise, or a function returning either (lazy sub-commands). */
const resolved = async <T>(value: unknown): Promise<T> => (typeof value === "function" ? await (value as () => T | Promise<T>)() : await (value as T))

const valueFlags = (args: ArgsDef): Set<string> => {
  const names = new Set<string>()
  for (const [name, def] of Object.entries(args)) {
    if (def.type !== "string" && def.type !== "enum") continue
    names.add(`--${name}`)
    for (const a of [def.alias ?? []].flat()) names.add(a.length === 1 ? `-${a}` : `--${a}`)
  }
  return names
}

/** The command a command line reaches, its full name (`cts runs list`) and the args after its name. */
export interface ResolvedCommand {
  readonly command: AnyCommand
  /** The command's args, resolved. */
  readonly args: ArgsDef
  readonly path: ReadonlyArray<string>
  readonly rawArgs: ReadonlyArray<string>
}

/** Walks sub-commands by the first positional word at each level (flag values skipped), loading only those it reaches. */
export const resolveCommand = async (root: AnyCommand, argv: ReadonlyArray<string>): Promise<ResolvedCommand> => {
  let command = root
  let rest = [...argv]
  const path = [String((await resolved<{ name?: string }>(root.meta))?.name ?? "cts")]
  for (;;) {
    const subs = await resolved<Record<string, unknown> | undefined>(command.subCommands)
    if (!subs) break
    const flags = valueFlags((await resolved<ArgsDef>(command.args)) ?? {})
    let index = -1
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i]!
      if (arg === "--") break
      if (arg.startsWith("-")) {
        if (!arg.includes("=") && flags.has(arg)) i++
        continue
      }
      index = i
      break
    }
    const name = index === -1 ? undefined : rest[index]
    if (name === undefined || !(name in subs)) break
    command = await resolved<AnyCommand>(subs[name])
    path.push(name)
    rest = rest.slice(index + 1)
  }
  return { command, args: (await resolved<ArgsDef>(command.args)) ?? {}, path, rawArgs: rest }
}

const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

/** Fails with a usage error on an option the command does not declare (citty would silently ignore it). */
export const checkUnknownFlags = (target: ResolvedCommand): void => {
  const args = target.args
  const known = new Set<string>(["help", "h"])
  for (const [name, def] of Object.entries(args)) {
    if (def.type === "positional") continue
    known.add(name).add(camel(name))
    for (const a of [("alias" in def ? def.alias : undefined) ?? []].flat()) known.add(a)
    if (def.type === "boolean") known.add(`no-${name}`)
  }
  const values = valueFlags(args)
  for (let i = 0; i < target.rawArgs.length; i++) {
    const arg = target.rawArgs[i]!
    if (arg === "--") break
    if (!arg.startsWith("-") || arg === "-") continue
    const name = arg.replace(/^--?/, "").split("=")[0]!
    if (!known.has(name)) {
      const options = Object.entries(args)
        .filter(([, d]) => d.type !== "positional")
        .map(([n]) => `--${n}`)
      throw usageError(
        "unknown_option",
        `Unknown option ${arg.split("=")[0]} for ${target.path.join(" ")}`,
        `Valid options: ${options.join(", ") || "(none)"}. See ${target.path.join(" ")} --help.`
      )
    }
    if (!arg.includes("=") && values.has(arg)) i++
  }
}
