import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { readAll, sharedData, useTestClient } from "./helpers.js"

const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex")
const rav4 = path.join(sharedData, "rlog", "rav4_seg40.rlog.zst")
const subaru = path.join(sharedData, "rlog", "subaru_cruise_demo.rlog.zst")

const t = useTestClient({ concurrency: 1 })

describe("inputs' sha256 in the run record and in the tools' outputs (real tools, shared fixtures)", () => {
  it("rlog-to-csv: the record and frames.csv's metadata carry sha256sum of the log", async () => {
    const run = await t.cts.wait((await t.cts.submit("rlog-to-csv", { input: rav4, params: { window_start: 0, window_dur: 1 } })).id)
    expect(run.status).toBe("completed")
    expect(run.inputs[0]!.sha256).toBe(sha(rav4))
    const [csv] = await t.cts.artifacts(run.id)
    expect(csv!.metadata).toMatchObject({ inputs: [{ name: "rav4_seg40.rlog.zst", sha256: sha(rav4) }] })
  }, 120_000)

  it("cruise-control-analyzer: the record, config_snapshot.json and every table's meta carry sha256sum of the log", async () => {
    const run = await t.cts.wait((await t.cts.submit("cruise-control-analyzer", { input: subaru })).id)
    expect(run.status).toBe("completed")
    expect(run.inputs[0]!.sha256).toBe(sha(subaru))
    const artifacts = await t.cts.artifacts(run.id)
    const snapshot = artifacts.find(a => a.name === "config_snapshot.json")!
    const body = JSON.parse((await readAll((await t.cts.download(snapshot.id)).body)).toString("utf8"))
    expect(body.inputs).toEqual([{ name: "subaru_cruise_demo.rlog.zst", size: readFileSync(subaru).length, sha256: sha(subaru) }])
    for (const a of artifacts) expect(a.metadata, a.name).toMatchObject({ inputSha256: [sha(subaru)] })
  }, 120_000)
})
