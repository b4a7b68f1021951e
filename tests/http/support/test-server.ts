import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { startServer, type RunningServer, type StartServerOptions } from "../../../src/adapters/http/start-server.js"
import { repoRoot, sharedData } from "../../support/shared-data.js"

export { repoRoot, sharedData }
export const rlogDir = path.join(sharedData, "rlog")
export const testTools = path.join(repoRoot, "tests/http/fixtures/http-test-tools.mjs")

export const tokens = { alice: "alice-token-0123456789abcdef", bob: "bob-token-0123456789abcdef" }

export interface TestServer extends RunningServer {
  readonly dir: string
  /** fetch relative to the server, as `who` (default alice; `null` = no credentials). */
  readonly api: (pathname: string, init?: RequestInit & { who?: keyof typeof tokens | null }) => Promise<Response>
  readonly stop: () => Promise<void>
}

/** A real server on 127.0.0.1 with an ephemeral port, a fresh data dir, the test tools and two principals. */
export const startTestServer = async (options: StartServerOptions = {}): Promise<TestServer> => {
  const dir = mkdtempSync(path.join(tmpdir(), "cts-http-"))
  const server = await startServer({
    env: {},
    configFile: null,
    host: "127.0.0.1",
    port: 0,
    tokens: [
      { principal: "alice", token: tokens.alice },
      { principal: "bob", token: tokens.bob }
    ],
    sseHeartbeatMs: 200,
    ...options,
    core: { dataDir: path.join(dir, "data"), concurrency: 2, inputRoots: [rlogDir], extraToolModules: [testTools], ...options.core }
  })
  const api: TestServer["api"] = (pathname, init = {}) => {
    const { who = "alice", ...rest } = init
    const headers = new Headers(rest.headers)
    if (who !== null && !headers.has("authorization")) headers.set("authorization", `Bearer ${tokens[who]}`)
    return fetch(server.url + pathname, { ...rest, headers })
  }
  return {
    ...server,
    dir,
    api,
    stop: async () => {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** POST JSON. */
export const jsonInit = (method: string, body: unknown, who?: keyof typeof tokens | null): RequestInit & { who?: keyof typeof tokens | null } => ({
  method,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
  ...(who !== undefined ? { who } : {})
})

/** Polls a run until it is completed, failed or canceled. */
export const waitForRun = async (server: TestServer, id: string, who: keyof typeof tokens = "alice", timeoutMs = 30_000) => {
  const end = Date.now() + timeoutMs
  for (;;) {
    const run = (await (await server.api(`/v1/runs/${id}`, { who })).json()) as { status: string } & Record<string, unknown>
    if (["completed", "failed", "canceled"].includes(run.status)) return run
    if (Date.now() > end) throw new Error(`run ${id} still ${run.status}`)
    await new Promise(r => setTimeout(r, 25))
  }
}

/** Checks the one error shape and returns its body. */
export const expectError = async (res: Response, status: number, code?: string) => {
  const body = (await res.json()) as { error: { category: string; code: string; message: string; details: unknown; suggested_actions: string[] } }
  if (res.status !== status || (code !== undefined && body.error?.code !== code)) {
    throw new Error(`expected ${status} ${code ?? ""}, got ${res.status} ${JSON.stringify(body)}`)
  }
  if (!["validation_error", "tool_error", "system_error"].includes(body.error.category)) throw new Error(`bad category ${body.error.category}`)
  if (typeof body.error.message !== "string" || !Array.isArray(body.error.suggested_actions) || !("details" in body.error)) {
    throw new Error(`bad error shape ${JSON.stringify(body)}`)
  }
  return body.error
}
