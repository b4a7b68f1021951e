import { Effect } from "effect"
import { isCtsError, ToolError, type CtsError } from "../../errors.js"
import type { ToolContext, ToolResult } from "../define-tool.js"

/** Maps anything thrown by tool code to a typed error: typed errors pass, aborts and bugs become ToolErrors. */
export const toCtsError = (toolId: string, signal: AbortSignal, cause: unknown): CtsError => {
  if (isCtsError(cause)) return cause
  if (signal.aborted) {
    return new ToolError({
      code: "canceled",
      message: `${toolId} stopped: the run was canceled or timed out.`,
      details: { reason: String(signal.reason ?? "aborted") }
    })
  }
  const message = cause instanceof Error ? cause.message : String(cause)
  return new ToolError({
    code: "internal_error",
    message: `${toolId} failed unexpectedly: ${message}`,
    suggestedAction: "Report this with the input file; the run's log has the details.",
    details: { stack: cause instanceof Error ? cause.stack : undefined }
  })
}

/**
 * Runs a tool's async body as the Effect the tool contract expects; typed errors thrown inside
 * (ValidationError, ToolError) fail the Effect as they are.
 */
export const runToolAsync = <P>(toolId: string, ctx: ToolContext<P>, body: (ctx: ToolContext<P>) => Promise<ToolResult>): Effect.Effect<ToolResult, CtsError> =>
  Effect.tryPromise({
    try: () => body(ctx),
    catch: cause => toCtsError(toolId, ctx.signal, cause)
  })

/** Throws a ToolError when the run was aborted; call it in long loops (cheap). */
export const throwIfAborted = (toolId: string, signal: AbortSignal): void => {
  if (signal.aborted) throw toCtsError(toolId, signal, signal.reason)
}
