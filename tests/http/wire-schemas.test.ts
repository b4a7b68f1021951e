import { Schema } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ArtifactWire, RunEventWire, RunWire } from "../../src/adapters/http/wire-schemas.js"
import { jsonInit, startTestServer, waitForRun, type TestServer } from "./support/test-server.js"

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => server?.stop())

const strict = { onExcessProperty: "error" } as const

describe("HTTP JSON matches the wire schemas derived from src/model", () => {
  it("a run, its artifact and its log events decode with RunWire, ArtifactWire and RunEventWire, with no extra field", async () => {
    const created = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "http-chatty", params: { lines: 3 }, input: [] }))).json()
    expect(Schema.decodeUnknownEither(RunWire, strict)(created)._tag).toBe("Right")
    await waitForRun(server, created.id)
    const run = await (await server.api(`/v1/runs/${created.id}`)).json()
    expect(Schema.decodeUnknownSync(RunWire, strict)(run).status).toBe("completed")
    const artifact = await (await server.api(`/v1/artifacts/${run.artifact_ids[0]}`)).json()
    expect(Schema.decodeUnknownSync(ArtifactWire, strict)(artifact).name).toBe("lines.txt")
    const logs = await (await server.api(`/v1/runs/${created.id}/logs`)).json()
    const events = logs.items.map((e: unknown) => Schema.decodeUnknownSync(RunEventWire, strict)(e))
    expect(events.map((e: { type: string }) => e.type)).toContain("end")
  })

  it("the OpenAPI document describes a run and an artifact with those schemas", async () => {
    const doc = await (await server.api("/v1/openapi.json")).json()
    const resolve = (schema: { $ref?: string }) => (schema.$ref ? doc.components.schemas[schema.$ref.slice("#/components/schemas/".length)] : schema)
    const runSchema = resolve(doc.paths["/v1/runs/{id}"].get.responses["200"].content["application/json"].schema)
    expect(runSchema.required).toContain("tool_version")
    expect(JSON.stringify(runSchema.properties.status)).toContain('"canceled"')
    const artifactSchema = resolve(doc.paths["/v1/artifacts/{id}"].get.responses["200"].content["application/json"].schema)
    expect(artifactSchema.required).toContain("content_type")
  })
})
