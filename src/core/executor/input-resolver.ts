import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import { realpath, stat } from "node:fs/promises"
import path from "node:path"
import { Effect } from "effect"
import type { ArtifactStoreService } from "../artifacts/artifact-store.js"
import type { ArtifactFilesService } from "../artifacts/local-artifact-store.js"
import { fsError } from "../artifacts/fs-errors.js"
import { ValidationError, type CtsError } from "../errors.js"
import type { ToolDefinition } from "../tools/define-tool.js"
import type { InputRef, RunRecord } from "./executor.js"
import type { WorkerInput } from "./worker-protocol.js"

/** A validated input: what the run record shows plus the file the worker reads. */
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
  new ValidationError({ code: "invalid_input", message, suggestedAction: 'Pass a path, or { type: "path", path } / { type: "artifact", id }' })

const within = (roots: ReadonlyArray<string>, p: string) => roots.some((r) => p === r || p.startsWith(r.endsWith(path.sep) ? r : r + path.sep))

const realpathOrNull = (p: string) => realpath(p).catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" || e.code === "ENOTDIR" ? null : Promise.reject(e)))

/**
 * Resolves a path input: relative paths against each input root in turn (or the cwd when roots are
 * null); the real path (symlinks followed) must stay under a root. Fails `path_not_allowed`,
 * `input_not_found` or `input_not_file`.
 */
export const resolveInputPath = (given: string, roots: ReadonlyArray<string> | null): Effect.Effect<string, CtsError> =>
  Effect.gen(function* () {
    if (typeof given !== "string" || given.length === 0 || given.includes("\0")) {
      return yield* invalidInput(`Input path ${JSON.stringify(given)} is empty or contains NUL`)
    }
    const attempt = <A>(f: () => Promise<A>) => Effect.tryPromise({ try: f, catch: fsError(`Reading input ${given}`) })
    const candidates = path.isAbsolute(given) ? [path.resolve(given)] : (roots ?? [process.cwd()]).map((r) => path.resolve(r, given))
    let realRoots: Array<string> | null = null
    if (roots) {
      realRoots = []
      for (const root of roots) {
        const real = yield* attempt(() => realpathOrNull(root))
        if (real) realRoots.push(real)
      }
      if (!candidates.some((c) => within(roots, c))) return yield* notAllowed(given)
    }
    for (const candidate of candidates) {
      if (roots && !within(roots, candidate)) continue
      const real = yield* attempt(() => realpathOrNull(candidate))
      if (real === null) continue
      if (realRoots && !within(realRoots, real)) return yield* notAllowed(given)
      const info = yield* attempt(() => stat(real))
      if (!info.isFile()) {
        return yield* new ValidationError({ code: "input_not_file", message: `Input ${JSON.stringify(given)} is not a regular file`, details: { path: given } })
      }
      return real
    }
    return yield* notFound(given)
  })

/** sha256 and size of a file, read as a stream. */
export const hashFile = (file: string): Effect.Effect<{ readonly sha256: string; readonly size: number }, CtsError> =>
  Effect.tryPromise({
    try: async () => {
      const hash = createHash("sha256")
      let size = 0
      for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
        hash.update(chunk)
        size += chunk.byteLength
      }
      return { sha256: hash.digest("hex"), size }
    },
    catch: fsError(`Reading input ${path.basename(file)}`)
  })

/** Validates a run's inputs against the tool's input specs, the input roots and the store, hashing path inputs. */
export const checkInputs = (
  tool: ToolDefinition,
  input: InputRef | ReadonlyArray<InputRef>,
  roots: ReadonlyArray<string> | null,
  store: ArtifactStoreService,
  files: ArtifactFilesService
): Effect.Effect<ReadonlyArray<CheckedInput>, CtsError> =>
  Effect.gen(function* () {
    const refs: ReadonlyArray<unknown> = Array.isArray(input) ? input : input === undefined || input === null ? [] : [input]
    if (refs.length === 0 && tool.inputs.some((i) => !i.optional)) {
      return yield* new ValidationError({
        code: "missing_input",
        message: `Tool ${tool.id} needs an input: ${tool.inputs.map((i) => `${i.kind} (${i.description})`).join(", ")}`,
        suggestedAction: "Pass an input path or an uploaded artifact id"
      })
    }
    if (refs.length > 1 && !tool.inputs.some((i) => i.multiple)) {
      return yield* new ValidationError({ code: "too_many_inputs", message: `Tool ${tool.id} takes one input, got ${refs.length}` })
    }
    const checked: Array<CheckedInput> = []
    for (const ref of refs) {
      const r = ref as InputRef
      if (r && r.type === "path" && typeof r.path === "string") {
        const file = yield* resolveInputPath(r.path, roots)
        const { sha256, size } = yield* hashFile(file)
        const name = path.basename(file)
        checked.push({ record: { name, size, sha256, ref: { type: "path", path: r.path } }, worker: { name, size, sha256, path: file } })
      } else if (r && r.type === "artifact" && typeof r.id === "string") {
        const meta = yield* store.stat(r.id).pipe(
          Effect.catchIf(
            (e) => e.code === "artifact_not_found",
            () => new ValidationError({ code: "input_not_found", message: `Input artifact ${JSON.stringify(r.id)} does not exist`, details: { artifactId: r.id } })
          )
        )
        const file = yield* files.pathOf(meta)
        checked.push({
          record: { name: meta.name, size: meta.size, sha256: meta.sha256, ref: { type: "artifact", id: meta.id } },
          worker: { name: meta.name, size: meta.size, sha256: meta.sha256, path: file }
        })
      } else {
        return yield* invalidInput(`Input ${JSON.stringify(ref)} is not a path or artifact reference`)
      }
    }
    return checked
  })
