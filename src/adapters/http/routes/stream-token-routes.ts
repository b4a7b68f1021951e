import { defineApiRoute, type ApiRoute } from "../route-kit.js"
import { issueStreamToken, STREAM_TOKEN_TTL_SECONDS } from "../stream-token.js"
import { ownRun } from "./access.js"

/** POST /v1/runs/:id/stream-token: a short-lived token a browser `EventSource` puts in the stream URL. */
export const streamTokenRoutes: ReadonlyArray<ApiRoute> = [
  defineApiRoute({
    method: "POST",
    path: "/v1/runs/:id/stream-token",
    operationId: "createStreamToken",
    summary: `A signed token, valid ${STREAM_TOKEN_TTL_SECONDS} s, that opens this run's log stream as you: GET /v1/runs/:id/logs/stream?token=… (for EventSource, which cannot send headers).`,
    tag: "runs",
    auth: "required",
    responses: { 200: { description: "`{ token, expires_at, stream_url }`." }, 404: { description: "Unknown run, or not yours." } },
    handler: async ctx => {
      const run = await ownRun(ctx, ctx.event.context.params?.id)
      const issued = await issueStreamToken(ctx.runtime, ctx.principal.id, run.id)
      const streamUrl = `${ctx.baseUrl}/v1/runs/${run.id}/logs/stream?token=${encodeURIComponent(issued.token)}`
      return { token: issued.token, expires_at: issued.expiresAt, stream_url: streamUrl }
    }
  })
]
