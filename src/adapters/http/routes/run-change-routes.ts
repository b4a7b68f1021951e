import { Cause, Effect, Exit, Fiber, Stream } from "effect"
import { followRunChanges } from "../../../core/access/run-changes.js"
import { defineApiRoute, type ApiContext, type ApiRoute } from "../route-kit.js"
import { createSseResponse, encodeSseEvent } from "../sse.js"
import { issueStreamToken, RUN_CHANGES_SCOPE, STREAM_TOKEN_TTL_SECONDS } from "../stream-token.js"
import { runToWire } from "../wire.js"
import { sseOptionsOf } from "./log-routes.js"

/** SSE of the caller's run changes: `ready` once joined, then `run` with each changed run's record. */
const streamRunChanges = async (ctx: ApiContext) =>
  createSseResponse(sink => {
    let wake: (() => void) | null = null
    const write = (bytes: Uint8Array) =>
      Effect.async<void>(resume => {
        if (sink.write(bytes)) return resume(Effect.void)
        wake = () => resume(Effect.void)
      })
    const fiber = ctx.runtime.runFork(
      Effect.scoped(
        Effect.gen(function* () {
          const changes = yield* followRunChanges(ctx.principal.id)
          yield* write(encodeSseEvent({ event: "ready", data: {} }))
          yield* Stream.runForEach(changes, run => write(encodeSseEvent({ event: "run", data: runToWire(run, ctx.baseUrl) })))
        })
      )
    )
    fiber.addObserver(exit => {
      if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) sink.fail("the run-changes feed stopped")
    })
    return {
      resume: () => {
        const w = wake
        wake = null
        w?.()
      },
      cancel: () => void Effect.runFork(Fiber.interrupt(fiber))
    }
  }, sseOptionsOf(ctx))

/** GET /v1/run-changes (SSE of your runs as they change) and POST /v1/run-changes/stream-token. */
export const runChangeRoutes: ReadonlyArray<ApiRoute> = [
  defineApiRoute({
    method: "POST",
    path: "/v1/run-changes/stream-token",
    operationId: "createRunChangesStreamToken",
    summary: `A signed token, valid ${STREAM_TOKEN_TTL_SECONDS} s, that opens your run-changes stream: GET /v1/run-changes?token=… (for EventSource, which cannot send headers).`,
    tag: "runs",
    auth: "required",
    responses: { 200: { description: "`{ token, expires_at, stream_url }`." } },
    handler: async ctx => {
      const issued = await issueStreamToken(ctx.runtime, ctx.principal.id, RUN_CHANGES_SCOPE)
      return { token: issued.token, expires_at: issued.expiresAt, stream_url: `${ctx.baseUrl}/v1/run-changes?token=${encodeURIComponent(issued.token)}` }
    }
  }),
  defineApiRoute({
    method: "GET",
    path: "/v1/run-changes",
    operationId: "streamRunChanges",
    summary:
      "Server-sent events of your runs as they change (submitted, started, progress, ended): `retry:` first, `event: ready` once joined (reload your list then: every later change is sent), then `event: run` with the run (as GET /v1/runs/:id); `: ping` heartbeat. Live only: no ids, no replay.",
    tag: "runs",
    auth: "required",
    streamToken: RUN_CHANGES_SCOPE,
    query: [
      {
        name: "token",
        description: "A run-changes stream token (POST /v1/run-changes/stream-token), instead of the Authorization header.",
        schema: { type: "string" }
      }
    ],
    responses: { 200: { description: "The event stream.", contentType: "text/event-stream" } },
    handler: streamRunChanges
  })
]
