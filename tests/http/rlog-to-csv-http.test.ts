import { readFileSync } from "node:fs"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { parseSseFrames } from "./support/sse-parse.js"
import { expectError, jsonInit, rlogDir, startTestServer, waitForRun, type TestServer } from "./support/test-server.js"

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => server?.stop())

/** Oracle rows as `ns,bus,address,data_hex` (the reference decoder's output). */
const oracle = (name: string) =>
  readFileSync(path.join(rlogDir, `${name}.frames.csv`), "utf8")
    .trim()
    .split("\n")
    .slice(1)

/** Our old-tools CSV rows mapped to the oracle's columns, with the timestamp converted back to integer ns exactly. */
const asOracleRows = (csv: string) => {
  const [header, ...rows] = csv.trim().split("\n")
  expect(header).toBe("window,segment,timestamp,address,bus,data_hex")
  return rows.map(row => {
    const [, , timestamp, address, bus, data] = row.split(",")
    const [whole, frac] = timestamp!.split(".")
    return `${BigInt(whole!) * 1_000_000_000n + BigInt(frac!)},${bus},${address},${data}`
  })
}

const csvOf = async (runId: string) => {
  const artifact = (await (await server.api(`/v1/runs/${runId}/artifacts`)).json()).items.find((a: { name: string }) => a.name === "frames.csv")
  expect(artifact.content_type).toMatch(/^text\/csv/)
  const res = await server.api(`/v1/artifacts/${artifact.id}/download`)
  return res.text()
}

describe("rlog-to-csv over HTTP", () => {
  it("converts an uploaded .bz2 rlog to exactly the reference decoder's frames, following the live log to its end", async () => {
    const bytes = readFileSync(path.join(rlogDir, "rav4_seg40.rlog.bz2"))
    const up = await (await server.api("/v1/uploads?name=rav4_seg40.rlog.bz2", { method: "POST", body: bytes })).json()
    const run = await (await server.api("/v1/runs", jsonInit("POST", { tool_id: "rlog-to-csv", input: up.input, name: "rav4" }))).json()
    const stream = await server.api(`/v1/runs/${run.id}/logs/stream`)
    const events: Array<{ type: string; status?: string; message?: string }> = []
    for await (const frame of parseSseFrames(stream.body as unknown as AsyncIterable<Uint8Array>))
      if (frame.kind === "event") events.push(JSON.parse(frame.data))
    expect(events.at(-1)).toMatchObject({ type: "end", status: "completed" })
    expect(events.some(e => e.type === "log" && e.message?.startsWith("Wrote 135468 of 135468 CAN frames"))).toBe(true)
    const done = await waitForRun(server, run.id)
    expect(done.summary).toMatchObject({ frames_written: 135468, frames_read: 135468, compression: "bz2" })
    expect(asOracleRows(await csvOf(run.id))).toEqual(oracle("rav4_seg40"))
  })

  it("reads a path under the input roots and applies bus and address filters", async () => {
    const params = { bus: [0], addresses: ["0x260", 705] }
    const run = await (
      await server.api("/v1/runs", jsonInit("POST", { tool_id: "rlog-to-csv", params, input: { type: "path", value: "rav4_seg40.rlog.zst" } }))
    ).json()
    expect(run.params).toMatchObject({ format: "old-tools", bus: [0] })
    const done = await waitForRun(server, run.id)
    expect(done.status).toBe("completed")
    const expected = oracle("rav4_seg40").filter(r => {
      const [, bus, address] = r.split(",")
      return bus === "0" && (address === "0x260" || address === "0x2C1")
    })
    expect(expected.length).toBeGreaterThan(100)
    expect(asOracleRows(await csvOf(run.id))).toEqual(expected)
  })

  it("refuses ill-typed params of the real tool, naming them", async () => {
    const bad = await expectError(
      await server.api("/v1/runs", jsonInit("POST", { tool_id: "rlog-to-csv", params: { format: "xml" }, input: { type: "path", value: "rav4_seg40.rlog" } })),
      422,
      "invalid_param"
    )
    expect(bad.message).toContain("format")
    const unknown = await expectError(
      await server.api("/v1/runs", jsonInit("POST", { tool_id: "rlog-to-csv", params: { windw_start: 1 }, input: { type: "path", value: "rav4_seg40.rlog" } })),
      422,
      "unknown_param"
    )
    expect(unknown.message).toContain("window_start")
  })
})
