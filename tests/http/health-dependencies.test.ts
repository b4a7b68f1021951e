import path from "node:path"
import { startFauxqs } from "fauxqs"
import { describe, expect, it } from "vitest"
import { startServer } from "../../src/adapters/http/start-server.js"
import { tempDir } from "../core/helpers.js"
import { freshPgDatabase, pgUrl } from "../support/services.js"

interface Dependency {
  backend: string
  ok: boolean
  latency_ms: number
  error?: string
}
const health = async (url: string) => {
  const res = await fetch(`${url}/v1/health`)
  return { status: res.status, body: (await res.json()) as { status: string; dependencies: { store: Dependency; artifacts: Dependency } } }
}

describe("/v1/health reports each dependency", () => {
  it("embedded defaults: SQLite store and local artifacts, reachable, with their latency", async () => {
    const tmp = tempDir("health-local")
    const server = await startServer({ host: "127.0.0.1", port: 0, env: {}, configFile: null, core: { dataDir: path.join(tmp.dir, "data") } })
    try {
      const { status, body } = await health(server.url)
      expect(status).toBe(200)
      expect(body.dependencies.store).toMatchObject({ backend: "sqlite", ok: true })
      expect(body.dependencies.artifacts).toMatchObject({ backend: "local", ok: true })
      for (const d of Object.values(body.dependencies)) expect(d.latency_ms).toBeGreaterThanOrEqual(0)
    } finally {
      await server.close()
      tmp.cleanup()
    }
  })

  it.skipIf(!pgUrl())("PostgreSQL and S3: ok while they answer; 503 naming the one that stopped answering", async () => {
    const tmp = tempDir("health-remote")
    const db = await freshPgDatabase(pgUrl()!)
    const s3 = await startFauxqs({ port: 0, host: "127.0.0.1", logger: false })
    s3.createBucket("health")
    const server = await startServer({
      host: "127.0.0.1",
      port: 0,
      env: {},
      configFile: null,
      core: {
        dataDir: path.join(tmp.dir, "data"),
        store: db.url,
        artifacts: "s3://health/cts",
        s3: { endpoint: `http://127.0.0.1:${s3.port}`, accessKeyId: "k", secretAccessKey: "s" }
      }
    })
    try {
      const up = await health(server.url)
      expect(up.status).toBe(200)
      expect(up.body.dependencies).toMatchObject({ store: { backend: "postgres", ok: true }, artifacts: { backend: "s3", ok: true } })
      await s3.stop()
      const s3Down = await health(server.url)
      expect(s3Down.status).toBe(503)
      expect(s3Down.body).toMatchObject({
        status: "degraded",
        dependencies: { store: { ok: true }, artifacts: { backend: "s3", ok: false, error: expect.stringMatching(/S3 artifact store/) } }
      })
      await db.drop()
      const bothDown = await health(server.url)
      expect(bothDown.body.dependencies.store).toMatchObject({ backend: "postgres", ok: false, error: expect.stringMatching(/database/i) })
    } finally {
      await server.close()
      await s3.stop().catch(() => undefined)
      await db.drop()
      tmp.cleanup()
    }
  })
})
