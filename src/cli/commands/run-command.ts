import { spawn } from "node:child_process"
import { stat } from "node:fs/promises"
import { join, resolve } from "node:path"
import { defineCommand } from "citty"
import type { ToolInfo } from "../../core/registry/tool-registry.js"
import { commandEnv, globalArgs, openClient, setExitCode } from "../cli-context.js"
import { CliError, ExitCode, toCliError, usageError } from "../cli-error.js"
import type { ClientInput, CtsClient } from "../../client/cts-client.js"
import { refuseOverwrite, safeFileName } from "../files.js"
import { parseParams } from "../params.js"
import { readStringFlags } from "../repeated-flags.js"
import { runJson } from "../run-json.js"
import { downloadArtifacts } from "../download-artifacts.js"
import { exitCodeForStatus, paintStatus, printArtifactTable, printRunOutcome } from "../present.js"
import { watchRun } from "../run-watch.js"

/** The string flags of `cts run`: `-p` and the three input flags keep every value in order; the others may be given once. */
const RUN_STRING_FLAGS = {
  param: { short: "p", repeatable: true },
  path: { repeatable: true },
  upload: { repeatable: true },
  artifact: { repeatable: true },
  name: { repeatable: false },
  "out-dir": { repeatable: false },
  timeout: { repeatable: false },
  server: { repeatable: false },
  token: { repeatable: false }
} as const

const findTool = (tools: ReadonlyArray<ToolInfo>, id: string): ToolInfo => {
  const tool = tools.find(t => t.id === id)
  if (!tool) {
    throw usageError("unknown_tool", `Unknown tool "${id}"`, `Available tools: ${tools.map(t => t.id).join(", ") || "(none)"}. See cts cap.`, {
      tool: id,
      valid: tools.map(t => t.id)
    })
  }
  return tool
}

const checkLocalFile = async (path: string, what: string): Promise<string> => {
  const absolute = resolve(path)
  let info: Awaited<ReturnType<typeof stat>>
  try {
    info = await stat(absolute)
  } catch {
    throw usageError("input_not_found", `${what} not found: ${path}`, "Check the path; it is read relative to the current directory.", { path })
  }
  if (!info.isFile()) throw usageError("input_not_a_file", `${what} is not a file: ${path}`, "Pass a log file, not a directory.", { path })
  return absolute
}

const resolveInput = async (
  client: CtsClient,
  tool: ToolInfo,
  given: { readonly paths: ReadonlyArray<string>; readonly uploads: ReadonlyArray<string>; readonly artifacts: ReadonlyArray<string> }
): Promise<ClientInput> => {
  const counts = { path: given.paths.length, upload: given.uploads.length, artifact: given.artifacts.length }
  const used = Object.entries(counts).filter(([, n]) => n > 0)
  if (used.length === 0 && tool.inputs.every(i => i.optional)) return { type: "path", paths: [] }
  if (used.length === 0)
    throw usageError(
      "missing_input",
      `${tool.id} needs an input`,
      "Pass --path FILE, --upload FILE or --artifact ID (each repeatable for a route's segments, read in order)."
    )
  if (used.length > 1) throw usageError("conflicting_inputs", "Give only one of --path, --upload and --artifact", "Choose one input source (it may repeat).")
  const [flag, count] = used[0]!
  if (count > 1 && !tool.inputs.some(i => i.multiple)) {
    throw usageError("too_many_inputs", `${tool.id} takes one input file, got ${count} --${flag} flags`, `Pass a single --${flag}.`)
  }
  if (given.uploads.length > 0) {
    const files: Array<string> = []
    for (const f of given.uploads) files.push(await checkLocalFile(f, "Upload file"))
    return { type: "upload", files }
  }
  if (given.artifacts.length > 0) return { type: "artifact", ids: [...given.artifacts] }
  if (client.mode === "remote") return { type: "path", paths: [...given.paths] }
  const paths: Array<string> = []
  for (const p of given.paths) paths.push(await checkLocalFile(p, "Input file"))
  return { type: "path", paths }
}

/** A remote path the server refuses but that exists here: suggest sending it with --upload. */
const withUploadHint = async (client: CtsClient, input: ClientInput, error: unknown): Promise<unknown> => {
  const code = (error as { code?: unknown }).code
  if (client.mode !== "remote" || input.type !== "path" || (code !== "path_not_allowed" && code !== "input_not_found")) return error
  const local = await Promise.all(
    input.paths.map(p =>
      stat(p).then(
        s => s.isFile(),
        () => false
      )
    )
  )
  if (!local.some(Boolean)) return error
  const e = toCliError(error)
  return new CliError({
    category: e.category,
    code: e.code,
    message: e.message,
    details: e.details,
    exitCode: e.exitCode,
    suggestedAction: `--path names a file on the server; this file exists here, so send it with --upload ${input.paths[0]}.`
  })
}

const openPath = (target: string): void => {
  const command = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open"
  const child = spawn(command, [target], { detached: true, stdio: "ignore" })
  child.on("error", () => process.stderr.write(`Could not open ${target} (${command} is not available)\n`))
  child.unref()
}

/** `cts run <tool>`: validate params and input, submit, watch, download, summarise. */
export const runCommand = defineCommand({
  meta: { name: "run", description: "Run a tool on a log (embedded runs wait; remote runs wait with --wait/--follow/--out-dir)" },
  args: {
    tool: { type: "positional", description: "Tool id (see cts cap)", required: true },
    path: { type: "string", description: "Input file (repeat for a route's segments); remote: a path on the server", valueHint: "FILE" },
    upload: { type: "string", description: "Send a local file to the store and use it as the input (repeatable, in order)", valueHint: "FILE" },
    artifact: { type: "string", description: "Use a file uploaded earlier with cts upload (repeatable, in order)", valueHint: "ID" },
    param: { type: "string", alias: "p", description: "Tool param, typed by the tool's schema (repeatable; lists comma-separated)", valueHint: "key=value" },
    name: { type: "string", description: "A name for the run", valueHint: "N" },
    wait: { type: "boolean", description: "Wait for the run to end (always on embedded)" },
    follow: { type: "boolean", description: "Stream the run's logs live until it ends" },
    "out-dir": { type: "string", description: "Download the artifacts here when the run completes (config out_dir)", valueHint: "DIR" },
    force: { type: "boolean", description: "Overwrite existing files in the out dir" },
    open: { type: "boolean", description: "Open the out dir when done" },
    timeout: { type: "string", description: "Stop the run after this many seconds", valueHint: "S" },
    ...globalArgs
  },
  run: async ({ args, rawArgs }) => {
    const { settings, out } = await commandEnv()
    const flags = readStringFlags(rawArgs, RUN_STRING_FLAGS)
    let timeoutMs: number | undefined
    if (args.timeout !== undefined) {
      const seconds = Number(args.timeout)
      if (!Number.isFinite(seconds) || seconds <= 0)
        throw usageError("invalid_timeout", `--timeout expects seconds > 0, got "${args.timeout}"`, "Pass e.g. --timeout 300.")
      timeoutMs = Math.round(seconds * 1000)
    }
    const outDirFlag = args["out-dir"] ?? settings.outDir ?? undefined
    const outDir = outDirFlag === undefined ? null : resolve(outDirFlag)
    if (args.open && outDir === null) throw usageError("open_needs_out_dir", "--open needs --out-dir", "Add --out-dir DIR.")

    const client = await openClient(settings)
    const tool = findTool(await client.capabilities(), args.tool)
    const params = parseParams(tool.id, tool.paramsJsonSchema, flags.param)
    const input = await resolveInput(client, tool, { paths: flags.path, uploads: flags.upload, artifacts: flags.artifact })
    const force = args.force === true
    if (outDir !== null) {
      const fixedNames = tool.outputs.map(o => o.name).filter(n => !/[<>*]/.test(n))
      await refuseOverwrite(
        fixedNames.map(n => join(outDir, safeFileName(n))),
        force
      )
    }

    const submitted = await client
      .submit({
        toolId: tool.id,
        params,
        input,
        ...(args.name !== undefined ? { name: args.name } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {})
      })
      .catch(async (error: unknown) => {
        throw await withUploadHint(client, input, error)
      })
    const wait = client.mode === "embedded" || args.wait === true || args.follow === true || outDir !== null
    if (!wait) {
      if (out.json) out.printJson({ run: runJson(submitted), artifacts: [], files: [] })
      else {
        out.line(submitted.id)
        out.log.info(`Run ${submitted.id} is ${paintStatus(submitted.status, out.paint)}. Follow it with: cts logs ${submitted.id} --follow`)
      }
      return
    }
    if (!out.json) out.log.start(`run ${submitted.id} (${tool.id}) on ${client.location}`)
    const watched = await watchRun(client, submitted.id, { out, follow: args.follow === true, label: tool.id })
    if (watched.detached || watched.run === null) {
      if (out.json) out.printJson({ run: watched.run && runJson(watched.run), artifacts: [], files: [], detached: true })
      setExitCode(ExitCode.interrupted)
      return
    }
    const run = watched.run
    const artifacts = await client.listArtifacts(run.id)
    let files = new Map<string, string>()
    if (outDir !== null && run.status === "completed") {
      files = await downloadArtifacts(client, artifacts, outDir, force).catch((error: unknown) => {
        const e = toCliError(error)
        throw new CliError({
          category: e.category,
          code: e.code,
          message: `Run ${run.id} completed, but its artifacts were not saved: ${e.message}`,
          details: e.details,
          exitCode: e.exitCode,
          suggestedAction: `${e.suggestedAction ?? ""} The artifacts stay in the store: cts bundle ${run.id} --out run.zip, or cts art list ${run.id}.`.trim()
        })
      })
    }
    if (out.json) {
      out.printJson({ run: runJson(run), artifacts, files: [...files].map(([id, path]) => ({ id, path })) })
    } else {
      printRunOutcome(out, run)
      if (artifacts.length > 0) printArtifactTable(out, artifacts, outDir !== null ? files : undefined)
      if (outDir !== null && files.size > 0) out.log.success(`Saved ${files.size} artifact${files.size === 1 ? "" : "s"} to ${outDir}`)
    }
    if (args.open && outDir !== null && files.size > 0) openPath(outDir)
    setExitCode(watched.interrupted ? ExitCode.interrupted : exitCodeForStatus(run.status))
  }
})
