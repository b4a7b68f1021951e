import { createHash } from "node:crypto"
import { describe, expect, it } from "vitest"
import { freshPgDatabase, pgUrl } from "../support/services.js"
import { runCts, startServe, useSandbox } from "./cli-harness.js"

const box = useSandbox()

describe("cts serve --store / --artifacts (real process)", () => {
  it("refuses a store or artifacts setting it cannot use, naming it", async () => {
    const badStore = await runCts(["serve", "--port", "0", "--store", "mysql://db/x"], { env: box.env })
    expect(badStore.code).not.toBe(0)
    expect(badStore.stderr).toMatch(/store.*sqlite or a postgres:\/\//)
    const badArtifacts = await runCts(["serve", "--port", "0", "--artifacts", "ftp://x"], { env: box.env })
    expect(badArtifacts.code).not.toBe(0)
    expect(badArtifacts.stderr).toMatch(/artifacts.*local or s3:\/\/bucket\/prefix/)
    const badQueue = await runCts(["serve", "--port", "0", "--queue", "amqp://broker"], { env: box.env })
    expect(badQueue.code).not.toBe(0)
    expect(badQueue.stderr).toMatch(/queue.*memory or a redis:\/\//)
    const noQueue = await runCts(["worker"], { env: box.env })
    expect(noQueue.code).toBe(1)
    expect(noQueue.stderr).toMatch(/queue_required|no queue is configured/)
    expect(noQueue.stderr).toMatch(/--queue redis:\/\//)
  })

  it.skipIf(!pgUrl())(
    "--store postgres://… serves from that database: health names it, and metadata written through one server is read by a second",
    async () => {
      const db = await freshPgDatabase(pgUrl()!)
      const server = await startServe(box.env, ["--store", db.url])
      try {
        const health = (await (await fetch(`${server.url}/v1/health`)).json()) as { dependencies: { store: { backend: string; ok: boolean } } }
        expect(health.dependencies.store).toEqual(expect.objectContaining({ backend: "postgres", ok: true }))
        const other = await startServe(box.env, ["--store", db.url])
        try {
          const body = new TextEncoder().encode("bytes uploaded through one server\n")
          const up = await fetch(`${server.url}/v1/uploads?name=note.txt`, { method: "POST", headers: { "content-type": "text/plain" }, body })
          expect(up.status).toBe(201)
          const meta = (await up.json()) as { id: string; sha256: string }
          const seen = await fetch(`${other.url}/v1/artifacts/${meta.id}`)
          expect(seen.status).toBe(200)
          expect(await seen.json()).toMatchObject({ id: meta.id, sha256: createHash("sha256").update(body).digest("hex") })
        } finally {
          await other.stop()
        }
      } finally {
        await server.stop()
        await db.drop()
      }
    }
  )
})
