import type { ArtifactMeta } from "../../artifacts/artifact-store.js"
import type { ToolContext } from "../define-tool.js"
import { csvChunks } from "./csv-table.js"

/** Identity of a run's input, recorded in every artifact. */
export interface InputIdentity {
  readonly name: string
  readonly size: number
  readonly sha256: string
}

/**
 * Every input's identity with its whole-file sha256: what the tool's reads have not hashed yet is
 * hashed now (nothing when the tool read each input to its end). Call it before writing outputs
 * that record the inputs' hashes.
 */
export const hashInputs = (ctx: Pick<ToolContext<unknown>, "inputs">): Promise<ReadonlyArray<InputIdentity>> =>
  Promise.all(ctx.inputs.map(async i => ({ name: i.name, size: i.size, sha256: await i.digest() })))

/** Metadata common to every artifact a tool writes: tool, version, run and inputs (sha256 null for an input not hashed yet: see `hashInputs`). */
export const baseArtifactMetadata = (toolId: string, ctx: Pick<ToolContext<unknown>, "runId" | "toolVersion" | "inputs">): Record<string, unknown> => {
  const inputs = ctx.inputs.map(i => ({ name: i.name, size: i.size, sha256: i.sha256 }))
  return {
    tool: toolId,
    toolVersion: ctx.toolVersion,
    runId: ctx.runId,
    inputSha256: inputs.map(i => i.sha256),
    inputs
  }
}

/**
 * The old tools' analysis metadata block (`schema_version`, `analysis_id`, `tool_version`,
 * `input_files`, `input_hashes`, …) extended with `extra`; written as the CSV `#` header, the
 * `.analysis_meta.json` sidecar and stored as artifact metadata.
 */
export const analysisMeta = (
  schemaVersion: string,
  toolId: string,
  ctx: Pick<ToolContext<unknown>, "runId" | "toolVersion" | "inputs">,
  extra: Readonly<Record<string, unknown>>
): Record<string, unknown> => ({
  schema_version: schemaVersion,
  analysis_id: ctx.runId,
  tool: toolId,
  tool_version: ctx.toolVersion,
  input_files: ctx.inputs.map(i => i.name),
  input_hashes: Object.fromEntries(ctx.inputs.map(i => [i.name, `sha256:${i.sha256}`])),
  ...extra
})

/** A table written as `<name>.csv` (with `#` meta header), `<name>.json` and `<name>.analysis_meta.json`. */
export interface AnalysisTable {
  readonly name: string
  readonly schemaVersion: string
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<Readonly<Record<string, unknown>>>
}

/**
 * Writes a table's CSV, JSON twin (array of row objects with the same columns) and sidecar through
 * the run's artifact store. Every artifact's metadata records the tool version and input sha256.
 */
export const writeAnalysisTable = async (
  ctx: Pick<ToolContext<unknown>, "runId" | "toolVersion" | "inputs" | "artifacts">,
  toolId: string,
  table: AnalysisTable,
  extraMeta: Readonly<Record<string, unknown>>
): Promise<ReadonlyArray<ArtifactMeta>> => {
  await hashInputs(ctx)
  const meta = analysisMeta(table.schemaVersion, toolId, ctx, { ...extraMeta, row_count: table.rows.length })
  const stored = { ...baseArtifactMetadata(toolId, ctx), schemaVersion: table.schemaVersion }
  const jsonRows = table.rows.map(r => Object.fromEntries(table.columns.map(c => [c, r[c] ?? null])))
  return [
    await ctx.artifacts.write(`${table.name}.csv`, "text/csv", csvChunks(table.columns, table.rows, meta), stored),
    await ctx.artifacts.write(`${table.name}.json`, "application/json", JSON.stringify(jsonRows, null, 2), stored),
    await ctx.artifacts.write(`${table.name}.analysis_meta.json`, "application/json", JSON.stringify(meta, null, 2), stored)
  ]
}

/** Writes one JSON artifact with the common metadata. */
export const writeJsonArtifact = async (
  ctx: Pick<ToolContext<unknown>, "runId" | "toolVersion" | "inputs" | "artifacts">,
  toolId: string,
  name: string,
  value: unknown
): Promise<ArtifactMeta> => {
  await hashInputs(ctx)
  return ctx.artifacts.write(name, "application/json", JSON.stringify(value, null, 2), baseArtifactMetadata(toolId, ctx))
}
