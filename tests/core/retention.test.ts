import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { demoRlog, sleep, testClient } from "./helpers.js"

describe("retention sweep", () => {
  it("is disabled without a retention period", async () => {
    const { cts, close } = await testClient()
    try {
      await cts.wait((await cts.submit("test-chatty", { input: demoRlog })).id)
      expect(await cts.sweep()).toEqual({ enabled: false, cutoff: null, deletedArtifacts: 0, freedBytes: 0, failures: [] })
    } finally {
      await close()
    }
  })

  it("hard-deletes artifacts of runs finished before the cutoff, keeps newer ones, and reports failures", async () => {
    const retentionMs = 1500
    const { cts, dir, close } = await testClient({ retentionDays: retentionMs / 86_400_000 })
    try {
      const old = await cts.wait((await cts.submit("test-chatty", { input: [demoRlog, demoRlog] })).id)
      const oldUpload = await cts.upload(new TextEncoder().encode("old upload"), "old.txt")
      const oldArtifacts = await cts.artifacts(old.id)
      const stuck = oldArtifacts[1]!
      const stuckPath = path.join(dir, "data", "artifacts", ...stuck.key.split("/"))
      rmSync(stuckPath)
      mkdirSync(stuckPath)
      writeFileSync(path.join(stuckPath, "blocker"), "x")
      await sleep(retentionMs + 200)
      const fresh = await cts.wait((await cts.submit("test-chatty", { input: demoRlog })).id)
      const report = await cts.sweep()
      expect(report.enabled).toBe(true)
      expect(report.deletedArtifacts).toBe(2)
      expect(report.freedBytes).toBe(oldArtifacts[0]!.size + oldUpload.size)
      expect(report.failures.map(f => f.id)).toEqual([stuck.id])
      await expect(cts.artifact(oldArtifacts[0]!.id)).rejects.toMatchObject({ code: "artifact_not_found" })
      await expect(cts.artifact(oldUpload.id)).rejects.toMatchObject({ code: "artifact_not_found" })
      expect((await cts.artifacts(fresh.id)).length).toBe(1)
      expect((await cts.get(old.id)).status).toBe("completed")
    } finally {
      await close()
    }
  })
})
