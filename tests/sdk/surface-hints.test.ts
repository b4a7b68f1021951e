import { describe, expect, it } from "vitest"
import { runTool } from "../../src/adapters/sdk/run-tool.js"
import { ValidationError } from "../../src/core/errors.js"
import { useTestClient } from "../core/helpers.js"

describe("SDK hints name the SDK's own options", () => {
  const t = useTestClient()

  it("a timed-out run suggests a larger timeoutMs (in wait, get, list and runTool)", async () => {
    const run = await t.cts.submit("test-cpu-busy", { input: [], params: { ms: 10_000 }, timeoutMs: 300 })
    const done = await t.cts.wait(run.id)
    expect(done.error).toMatchObject({ code: "timeout" })
    expect(done.error?.suggestedAction).toContain("timeoutMs")
    expect(done.error?.suggestedAction).not.toMatch(/--timeout|timeout_s/)
    expect((await t.cts.get(run.id)).error?.suggestedAction).toBe(done.error?.suggestedAction)
    const listed = (await t.cts.list()).items.find(r => r.id === run.id)
    expect(listed?.error?.suggestedAction).toBe(done.error?.suggestedAction)
    const viaRunTool = await runTool("test-cpu-busy", { input: [], params: { ms: 10_000 }, timeoutMs: 300, cts: t.cts })
    expect(viaRunTool.error).toMatchObject({ code: "timeout", suggestedAction: expect.stringContaining("timeoutMs") })
  })

  it("an unknown run id names cts.list(), not an endpoint or a command", async () => {
    const error = await t.cts.get("run_doesnotexist").catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect(error).toMatchObject({ code: "run_not_found", suggestedAction: expect.stringContaining("cts.list()") })
    expect((error as ValidationError).suggestedAction).not.toMatch(/GET|cts runs list/)
  })
})
