import { Effect } from "effect"
import type { CtsError } from "../errors.js"
import { typedInputs } from "./declared-inputs.js"
import type { ToolContext, ToolDefinition, ToolResult } from "./define-tool.js"
import { toCtsError } from "./shared/run-async.js"

/**
 * Runs a tool the one way the core does: its inputs checked against the declared kinds (and typed,
 * see `typedInputs`), then its `run`, whether that returns an Effect or a Promise. Anything thrown or
 * rejected becomes a typed error (typed errors pass as they are; aborts are `canceled`).
 */
export const runDefinedTool = <P>(tool: ToolDefinition<P>, ctx: ToolContext<P>): Effect.Effect<ToolResult, CtsError> => {
  const fail = (cause: unknown) => toCtsError(tool.id, ctx.signal, cause)
  return Effect.tryPromise({ try: () => typedInputs(tool, ctx.inputs), catch: fail }).pipe(
    Effect.flatMap(inputs =>
      Effect.suspend(() => {
        const typed: ToolContext<P> = inputs === ctx.inputs ? ctx : { ...ctx, inputs, input: inputs[0] ?? ctx.input }
        let out: ReturnType<ToolDefinition<P>["run"]>
        try {
          out = tool.run(typed)
        } catch (cause) {
          return Effect.fail(fail(cause))
        }
        return Effect.isEffect(out) ? out : Effect.tryPromise({ try: () => out, catch: fail })
      })
    )
  )
}
