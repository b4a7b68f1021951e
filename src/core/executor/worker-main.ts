// The worker's body, loaded by worker-entry.ts once the thread has lowered its priority.
import { parentPort } from "node:worker_threads"
import { Cause, Effect, Exit, Fiber, Option, Schema } from "effect"
import { builtinToolModules } from "../tools/builtin-modules.js"
import type { ToolDefinition } from "../tools/define-tool.js"
import { runDefinedTool } from "../tools/run-defined-tool.js"
import { loadToolModule, toolsOfModule } from "../registry/tool-modules.js"
import { makeWorkerLink } from "./worker-context.js"
import { toWireError, type ToWorker, type WireError, type WorkerJob } from "./worker-protocol.js"

/** Imports only the module the job's tool lives in: a built-in tool's own module, or the registered module URL. */
const findTool = async (job: WorkerJob): Promise<ToolDefinition | undefined> => {
  const builtin = Object.hasOwn(builtinToolModules, job.toolId) ? builtinToolModules[job.toolId] : undefined
  const tools = job.moduleUrl !== null ? await loadToolModule(job.moduleUrl) : builtin ? toolsOfModule(await builtin()) : []
  return tools.find(t => t.id === job.toolId)
}

const run = async (job: WorkerJob) => {
  const port = parentPort!
  const controller = new AbortController()
  const link = makeWorkerLink(port, job, controller.signal)
  // Listen from the start: a stop may come while the tool loads or its inputs open.
  let fiber: Fiber.RuntimeFiber<unknown, unknown> | undefined
  let interruptOnAbort = true
  port.on("message", (msg: ToWorker) => {
    if (msg.type !== "abort") return
    controller.abort(msg.reason)
    if (fiber && interruptOnAbort) Effect.runFork(Fiber.interrupt(fiber))
  })
  const fail = async (error: WireError) => {
    await link.closeInputs()
    link.post({ type: "failed", error })
  }
  link.captureConsole()
  const tool = await findTool(job)
  if (!tool) {
    return fail({ _tag: "SystemError", code: "unknown_tool", message: `Tool ${job.toolId} is not available to the worker` })
  }
  let params: unknown
  try {
    params = Schema.decodeUnknownSync(tool.params, { onExcessProperty: "error" })(job.params)
  } catch (e) {
    return fail({ _tag: "ValidationError", code: "invalid_param", message: `Params for tool ${tool.id}: ${(e as Error).message}` })
  }
  try {
    await link.openInputs()
  } catch (e) {
    return fail(toWireError(e))
  }
  link.post({ type: "started" })
  // A tool with a stop grace (a monitor) ends on its own signal and finishes its artifacts; others are interrupted.
  interruptOnAbort = tool.stopGraceMs === undefined
  const running = Effect.runFork(Effect.suspend(() => runDefinedTool(tool, link.context(params))))
  fiber = running
  if (controller.signal.aborted && interruptOnAbort) Effect.runFork(Fiber.interrupt(running))
  const exit = await Effect.runPromise(Fiber.await(running))
  await link.drain()
  if (Exit.isSuccess(exit)) {
    const hashed = await link.digestInputs().then(
      () => null,
      (e: unknown) => toWireError(e)
    )
    if (hashed) return fail(hashed)
    await link.closeInputs()
    return link.post({ type: "done", summary: exit.value?.summary ?? {} })
  }
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) return fail(toWireError(failure.value))
  if (Cause.isInterruptedOnly(exit.cause)) {
    return fail({ _tag: "ToolError", code: "canceled", message: `Run stopped: ${String(controller.signal.reason ?? "interrupted")}` })
  }
  return fail(toWireError(Cause.squash(exit.cause)))
}

parentPort!.once("message", (msg: ToWorker) => {
  if (msg.type !== "start") return
  run(msg.job).catch(e => parentPort!.postMessage({ type: "failed", error: toWireError(e) }))
})
