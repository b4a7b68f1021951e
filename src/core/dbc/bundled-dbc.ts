import { existsSync, readdirSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { SystemError, ValidationError } from "../errors.js"
import { decodeDbcBytes, parseDbc } from "./dbc-parser.js"
import type { Dbc } from "./dbc-types.js"

let cachedDir: string | undefined

/**
 * The package's `assets/dbc` directory, found by walking up from this module: it works from the
 * sources (`src/core/dbc`) and from the build (`dist/`). Undefined if the package ships without it.
 */
export const bundledDbcDir = (): string | undefined => {
  if (cachedDir) return cachedDir
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, "assets", "dbc")
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return (cachedDir = candidate)
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return undefined
}

const missingAssets = () =>
  new SystemError({
    code: "bundled_dbc_missing",
    message: "The package's assets/dbc directory was not found next to the installed cts-lite.",
    suggestedAction: "Reinstall cts-lite; the published package includes assets/dbc."
  })

/** Names (without `.dbc`) of the DBC files bundled with the package, sorted. */
export const listBundledDbcs = (): Effect.Effect<string[], SystemError> =>
  Effect.suspend(() => {
    const dir = bundledDbcDir()
    if (!dir) return Effect.fail(missingAssets())
    return Effect.try({
      try: () =>
        readdirSync(dir)
          .filter(f => f.endsWith(".dbc"))
          .map(f => f.slice(0, -4))
          .sort(),
      catch: e => new SystemError({ code: "bundled_dbc_unreadable", message: `Cannot list ${dir}: ${String(e)}` })
    })
  })

const parsed = new Map<string, Dbc>()

/**
 * Loads and parses a bundled opendbc DBC by name, e.g. `toyota_new_mc_pt_generated` (a `.dbc`
 * suffix is accepted). Parsed files are cached. An unknown name fails with `unknown_dbc` listing
 * the bundled names.
 */
export const loadBundledDbc = (name: string): Effect.Effect<Dbc, ValidationError | SystemError> =>
  Effect.gen(function* () {
    const base = name.endsWith(".dbc") ? name.slice(0, -4) : name
    const cached = parsed.get(base)
    if (cached) return cached
    const available = yield* listBundledDbcs()
    if (!/^[A-Za-z0-9_-]+$/.test(base) || !available.includes(base)) {
      return yield* Effect.fail(
        new ValidationError({
          code: "unknown_dbc",
          message: `No bundled DBC named "${name}". Bundled: ${available.join(", ")}.`,
          suggestedAction: "Use one of the bundled names, or pass your own DBC file.",
          details: { name, available }
        })
      )
    }
    const path = join(bundledDbcDir() ?? "", `${base}.dbc`)
    const bytes = yield* Effect.try({
      try: () => readFileSync(path),
      catch: e => new SystemError({ code: "bundled_dbc_unreadable", message: `Cannot read bundled DBC ${base}: ${String(e)}` })
    })
    const dbc = yield* parseDbc(decodeDbcBytes(bytes))
    parsed.set(base, dbc)
    return dbc
  })
