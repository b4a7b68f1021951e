import { readFileSync } from "node:fs"
import { Effect, Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { ToolError, ValidationError } from "../../src/core/errors.js"
import { defineTool, type ResolvedInput, type ToolContext, type ToolDefinition } from "../../src/core/tools/define-tool.js"
import { runDefinedTool } from "../../src/core/tools/run-defined-tool.js"
import { dataPath, rlogPath } from "../support/shared-data.js"

const fileInput = (file: string): ResolvedInput => {
  const bytes = readFileSync(file)
  return {
    name: file.split("/").pop()!,
    size: bytes.length,
    sha256: null,
    open: async function* () {
      yield bytes
    },
    digest: async () => ""
  }
}
const context = (inputs: ReadonlyArray<ResolvedInput>): ToolContext<object> => ({
  runId: "r",
  toolVersion: "1",
  params: {},
  input: inputs[0]!,
  inputs,
  log: () => {},
  progress: () => {},
  artifacts: { write: () => Promise.reject(new Error("no artifacts")) },
  signal: new AbortController().signal
})
const tool = (run: ToolDefinition<object>["run"], extra: Partial<ToolDefinition<object>> = {}) =>
  defineTool({
    id: "t",
    name: "t",
    description: "t",
    category: "analyzer",
    version: "1",
    params: Schema.Struct({}),
    outputs: [],
    inputs: [
      { kind: "rlog", description: "log", multiple: true },
      { kind: "dbc", description: "dbc" }
    ],
    run,
    ...extra
  })
const outcome = (t: ToolDefinition<object>, inputs: ReadonlyArray<ResolvedInput>) => Effect.runPromise(Effect.either(runDefinedTool(t, context(inputs))))

const log = fileInput(rlogPath("subaru_cruise_demo.rlog.zst"))
const raw = fileInput(rlogPath("rav4_seg40.rlog"))
const dbc = fileInput(dataPath("opendbc", "toyota_new_mc_pt_generated.dbc"))
const csv = fileInput(rlogPath("subaru_cruise_demo.frames.csv"))

describe("runDefinedTool", () => {
  it("runs an Effect run and a Promise run alike, giving each input the declared kind it matched", async () => {
    const kinds = (ctx: ToolContext<object>) => ({ summary: { kinds: ctx.inputs.map(i => i.kind), size: ctx.inputs[0]!.size } })
    for (const t of [tool(ctx => Effect.succeed(kinds(ctx))), tool(async ctx => kinds(ctx))]) {
      expect(await outcome(t, [log, raw, dbc])).toEqual(Either.right({ summary: { kinds: ["rlog", "rlog", "dbc"], size: log.size } }))
    }
  })

  it("keeps typed errors, turns anything else thrown (sync, async or rejected) into internal_error", async () => {
    const typed = new ValidationError({ code: "bad_thing", message: "bad" })
    expect(
      await outcome(
        tool(async () => {
          throw typed
        }),
        [log]
      )
    ).toEqual(Either.left(typed))
    expect(
      await outcome(
        tool(() => Effect.fail(new ToolError({ code: "x", message: "x" }))),
        [log]
      )
    ).toMatchObject(Either.left({ code: "x" }))
    for (const t of [
      tool(() => {
        throw new Error("boom")
      }),
      tool(async () => {
        throw new Error("boom")
      }),
      tool(() => Promise.reject(new Error("boom")))
    ]) {
      expect(await outcome(t, [log])).toMatchObject(Either.left({ _tag: "ToolError", code: "internal_error", message: "t failed unexpectedly: boom" }))
    }
  })

  it("refuses an undeclared kind and a missing input before run; checkInputKinds: false takes any bytes", async () => {
    let ran = 0
    const counting = tool(async () => ({ summary: { ran: ++ran } }))
    expect(await outcome(counting, [log, csv])).toMatchObject(Either.left({ code: "wrong_input_type", details: { input: csv.name, detected: "text" } }))
    expect(await outcome(counting, [])).toMatchObject(Either.left({ code: "missing_input" }))
    expect(ran).toBe(0)
    const any = tool(async ctx => ({ summary: { kind: ctx.input.kind ?? null } }), { checkInputKinds: false })
    expect(await outcome(any, [csv])).toEqual(Either.right({ summary: { kind: null } }))
  })
})
