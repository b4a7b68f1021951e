import type { Stats } from "node:fs"
import { lstat, realpath } from "node:fs/promises"
import path from "node:path"
import { Effect } from "effect"
import type { ArtifactStoreService } from "../artifacts/artifact-store.js"
import { fsError } from "../artifacts/fs-errors.js"
import { ValidationError, type CtsError } from "../errors.js"
import type { ToolDefinition } from "../tools/define-tool.js"
import type { InputRef, RunRecord } from "./executor.js"
import { identityOf, isPseudoFsPath, isWithinRoots, type FileIdentity } from "./input-identity.js"
import type { WorkerInput } from "./worker-protocol.js"

/** A validated input: what the run record shows plus what the worker reads (a checked file, or an artifact of the store). */
export interface CheckedInput {
  readonly record: RunRecord["inputs"][number]
  readonly worker: WorkerInput
}

const notAllowed = (given: string) =>
  new ValidationError({
    code: "path_not_allowed",
    message: `Input path ${JSON.stringify(given)} is outside the allowed input roots`,
    suggestedAction: "Use a file under one of the configured input roots (CTS_INPUT_ROOTS), or upload it",
    details: { path: given }
  })

const notFound = (given: string) =>
  new ValidationError({
    code: "input_not_found",
    message: `Input file ${JSON.stringify(given)} does not exist`,
    suggestedAction: "Check the path (relative paths are resolved against the input roots, or the working directory when none are set)",
    details: { path: given }
  })

const invalidInput = (message: string) =>
  new ValidationError({ code: "invalid_input", message, suggestedAction: "Pass an input file path or the id of an uploaded artifact" })

const realpathOrNull = (p: string) => realpath(p).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" || e.code === "ENOTDIR" ? null : Promise.reject(e)))

const kindOf = (s: Stats): string =>
  s.isDirectory()
    ? "a directory"
    : s.isFIFO()
      ? "a FIFO"
      : s.isCharacterDevice()
        ? "a character device"
        : s.isBlockDevice()
          ? "a block device"
          : s.isSocket()
            ? "a socket"
            : "not a regular file"

const notFile = (given: string, what: string) =>
  new ValidationError({
    code: "input_not_file",
    message: `Input ${JSON.stringify(given)} is ${what}, not a regular file`,
    suggestedAction: "Pass a regular file (a log, CSV or DBC), or upload it",
    details: { path: given }
  })

/** A path input located at submit without reading it: its real path, identity, and the real roots it must stay under. */
export interface LocatedInput {
  readonly real: string
  readonly identity: FileIdentity
  readonly realRoots: ReadonlyArray<string> | null
}

/**
 * Locates a path input without opening it: relative paths against each input root in turn (or the
 * cwd when roots are null); the real path (symlinks followed) must stay under a root and be a regular
 * file outside /dev, /proc and /sys (checked with lstat, so a FIFO or device is never opened).
 * Fails `invalid_input`, `path_not_allowed`, `input_not_found` or `input_not_file`.
 */
export const locateInputPath = (given: string, roots: ReadonlyArray<string> | null): Effect.Effect<LocatedInput, CtsError> =>
  Effect.gen(function* () {
    if (typeof given !== "string" || given.length === 0 || given.includes("\0")) {
      return yield* invalidInput(`Input path ${JSON.stringify(given)} is empty or contains NUL`)
    }
    const attempt = <A>(f: () => Promise<A>) => Effect.tryPromise({ try: f, catch: fsError(`Reading input ${given}`) })
    const candidates = path.isAbsolute(given) ? [path.resolve(given)] : (roots ?? [process.cwd()]).map(r => path.resolve(r, given))
    let realRoots: Array<string> | null = null
    if (roots) {
      realRoots = []
      for (const root of roots) {
        const real = yield* attempt(() => realpathOrNull(root))
        if (real) realRoots.push(real)
      }
      if (!candidates.some(c => isWithinRoots(roots, c))) return yield* notAllowed(given)
    }
    for (const candidate of candidates) {
      if (roots && !isWithinRoots(roots, candidate)) continue
      const real = yield* attempt(() => realpathOrNull(candidate))
      if (real === null) continue
      if (realRoots && !isWithinRoots(realRoots, real)) return yield* notAllowed(given)
      const info = yield* attempt(() => lstat(real))
      if (!info.isFile()) return yield* notFile(given, kindOf(info))
      if (isPseudoFsPath(real)) return yield* notFile(given, "a kernel or device file")
      return { real, identity: identityOf(info), realRoots }
    }
    return yield* notFound(given)
  })

/** The real path of a path input (see `locateInputPath`). */
export const resolveInputPath = (given: string, roots: ReadonlyArray<string> | null): Effect.Effect<string, CtsError> =>
  Effect.map(locateInputPath(given, roots), l => l.real)

/** Limits on what one run may take as input. */
export interface InputLimits {
  readonly maxInputs: number
  readonly maxInputBytes: number
}

const tooMany = (count: number, limits: InputLimits) =>
  new ValidationError({
    code: "input_count_exceeded",
    message: `The run has ${count} inputs; at most ${limits.maxInputs} are allowed per run`,
    suggestedAction: "Split the inputs over several runs, or raise the limit on inputs per run (setting maxInputsPerRun, CTS_MAX_INPUTS_PER_RUN)",
    details: { count, limit: limits.maxInputs }
  })

const tooLarge = (bytes: number, limits: InputLimits) =>
  new ValidationError({
    code: "input_bytes_exceeded",
    message: `The run's inputs total ${bytes} bytes; at most ${limits.maxInputBytes} bytes are allowed per run`,
    suggestedAction: "Split the inputs over several runs, or raise the limit on input bytes per run (setting maxInputBytesPerRun, CTS_MAX_INPUT_BYTES_PER_RUN)",
    details: { bytes, limit: limits.maxInputBytes }
  })

/**
 * Validates a run's inputs against the tool's input specs, the per-run limits, the input roots and
 * the store. Nothing is read: path inputs are located and their identity recorded (their sha256 is
 * computed in the worker as the tool reads them); artifact inputs keep their stored hash and are
 * read through the ArtifactStore (no file path of the store leaves it).
 */
export const checkInputs = (
  tool: ToolDefinition,
  input: InputRef | ReadonlyArray<InputRef>,
  roots: ReadonlyArray<string> | null,
  limits: InputLimits,
  store: ArtifactStoreService
): Effect.Effect<ReadonlyArray<CheckedInput>, CtsError> =>
  Effect.gen(function* () {
    const refs: ReadonlyArray<unknown> = Array.isArray(input) ? input : input === undefined || input === null ? [] : [input]
    if (refs.length === 0 && tool.inputs.some(i => !i.optional)) {
      return yield* new ValidationError({
        code: "missing_input",
        message: `Tool ${tool.id} needs an input: ${tool.inputs.map(i => `${i.kind} (${i.description})`).join(", ")}`,
        suggestedAction: "Pass an input path or an uploaded artifact id"
      })
    }
    if (refs.length > 1 && !tool.inputs.some(i => i.multiple)) {
      return yield* new ValidationError({ code: "too_many_inputs", message: `Tool ${tool.id} takes one input, got ${refs.length}` })
    }
    if (refs.length > limits.maxInputs) return yield* tooMany(refs.length, limits)
    const checked: Array<CheckedInput> = []
    let bytes = 0
    for (const ref of refs) {
      const r = ref as InputRef
      if (r && r.type === "path" && typeof r.path === "string") {
        const { real, identity, realRoots } = yield* locateInputPath(r.path, roots)
        const name = path.basename(real)
        const size = identity.size
        checked.push({
          record: { name, size, sha256: null, ref: { type: "path", path: r.path } },
          worker: { kind: "path", name, size, sha256: null, path: real, identity, roots: realRoots }
        })
      } else if (r && r.type === "artifact" && typeof r.id === "string") {
        const meta = yield* store.stat(r.id).pipe(
          Effect.catchIf(
            e => e.code === "artifact_not_found",
            () =>
              new ValidationError({ code: "input_not_found", message: `Input artifact ${JSON.stringify(r.id)} does not exist`, details: { artifactId: r.id } })
          )
        )
        checked.push({
          record: { name: meta.name, size: meta.size, sha256: meta.sha256, ref: { type: "artifact", id: meta.id } },
          worker: { kind: "artifact", id: meta.id, name: meta.name, size: meta.size, sha256: meta.sha256 }
        })
      } else {
        return yield* invalidInput(`Input ${JSON.stringify(ref)} is not a path or artifact reference`)
      }
      bytes += checked[checked.length - 1]!.record.size
    }
    if (bytes > limits.maxInputBytes) return yield* tooLarge(bytes, limits)
    return checked
  })
