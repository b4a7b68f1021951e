import { createHash } from "node:crypto"
import { existsSync } from "node:fs"
import { mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises"
import path from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { json, runCts, useSandbox } from "./cli-harness.js"
import { repoRoot, sharedData } from "../support/shared-data.js"
import { until } from "../core/helpers.js"

const demo = path.join(repoRoot, "examples/data/subaru_cruise_demo.rlog.zst")
const truth = async () => JSON.parse(await readFile(path.join(sharedData, "rlog/subaru_cruise_demo.truth.json"), "utf8"))
const sha256 = async (file: string) =>
  createHash("sha256")
    .update(await readFile(file))
    .digest("hex")

describe("cts embedded: the README's main job and the commands around it", () => {
  const box = useSandbox()
  let outDir: string
  let runId: string
  let firstJson: any

  beforeAll(async () => {
    outDir = path.join(box.dir, "out/demo")
    const result = await runCts(["run", "cruise-control-analyzer", "--path", demo, "--out-dir", outDir, "--json"], { env: box.env })
    expect(result.code, result.stderr).toBe(0)
    firstJson = json(result)
    runId = firstJson.run.id
  })

  it("completes, reports the drive's real button presses, and writes every artifact byte-exact", async () => {
    const t = await truth()
    const { run, artifacts, files } = firstJson
    expect(run.status).toBe("completed")
    expect(run.toolId).toBe("cruise-control-analyzer")
    expect(run.inputs[0].sha256).toBe("4b7b3dc558334ad26c53086199200faf4960844d8da806b57063351803d61ccc")
    const setPress = t.events_s.set_button_pressed[0][0]
    const resumePress = t.events_s.resume_button_pressed[0][0]
    expect(run.summary.set_presses_s).toHaveLength(1)
    expect(run.summary.set_presses_s[0]).toBeCloseTo(setPress, 1)
    expect(run.summary.resume_presses_s[0]).toBeCloseTo(resumePress, 1)
    expect(artifacts.length).toBeGreaterThanOrEqual(20)
    expect(files).toHaveLength(artifacts.length)
    const onDisk = (await readdir(outDir)).sort()
    expect(onDisk).toEqual(artifacts.map((a: any) => a.name).sort())
    for (const a of artifacts) {
      const file = files.find((f: any) => f.id === a.id).path
      expect(path.dirname(file)).toBe(outDir)
      expect((await stat(file)).size).toBe(a.size)
      expect(await sha256(file)).toBe(a.sha256)
    }
  })

  it("refuses to overwrite the out dir without --force (exit 1, nothing submitted, files untouched)", async () => {
    const report = path.join(outDir, "analysis_report.html")
    const before = await stat(report)
    const result = await runCts(["run", "cruise-control-analyzer", "--path", demo, "--out-dir", outDir], { env: box.env })
    expect(result.code, result.stderr).toBe(1)
    expect(result.stderr).toContain("Refusing to overwrite")
    expect(result.stderr).toContain("analysis_report.html")
    expect(result.stderr).toContain("--force")
    expect((await stat(report)).mtimeMs).toBe(before.mtimeMs)
    const list = json(await runCts(["runs", "list", "--json"], { env: box.env }))
    expect(list.items.map((r: any) => r.id)).toEqual([runId])
  })

  it("shows progress-free human output off a terminal: outcome, summary and the artifact table", async () => {
    const result = await runCts(["run", "cruise-control-analyzer", "--path", demo, "--out-dir", outDir, "--force", "-p", "marker_type=none"], { env: box.env })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/run \S+ \(cruise-control-analyzer\) completed in [\d.]+ s/)
    expect(result.stdout).toContain("set_presses_s: [40")
    expect(result.stdout).toMatch(/^ID\s+NAME\s+SIZE\s+TYPE\s+SHA256\s+SAVED TO$/m)
    expect(result.stdout).toContain(path.join(outDir, "analysis_report.html"))
    expect(result.stdout + result.stderr).not.toMatch(/\u001B\[/)
  })

  it("keeps runs across invocations: runs list/get, logs, art list/get, bundle", async () => {
    const list = json(await runCts(["runs", "list", "--json", "--tool", "cruise-control-analyzer", "--status", "completed"], { env: box.env }))
    expect(list.items).toHaveLength(2)
    expect(list.items.every((r: any) => r.status === "completed")).toBe(true)

    const table = await runCts(["runs", "list"], { env: box.env })
    expect(table.code, table.stderr).toBe(0)
    expect(table.stdout).toMatch(/^ID\s+TOOL\s+STATUS\s+NAME\s+CREATED\s+DURATION$/m)
    expect(table.stdout).toContain(runId)

    const got = json(await runCts(["runs", "get", runId, "--json"], { env: box.env }))
    expect(got).toEqual(firstJson.run)

    const logs = await runCts(["logs", runId, "--json"], { env: box.env })
    expect(logs.code, logs.stderr).toBe(0)
    const events = logs.stdout
      .trim()
      .split("\n")
      .map(l => JSON.parse(l))
    expect(events.map((e: any) => e.seq)).toEqual(events.map((_: unknown, i: number) => i + 1))
    expect(events.at(-1)).toMatchObject({ type: "end", status: "completed", runId })
    expect(events.some((e: any) => e.type === "log" && e.message.includes("CAN frames"))).toBe(true)

    const arts = json(await runCts(["art", "list", runId, "--json"], { env: box.env }))
    expect(arts.items.map((a: any) => a.id)).toEqual(firstJson.artifacts.map((a: any) => a.id))
    const csv = arts.items.find((a: any) => a.name === "candidates.csv")
    const target = path.join(box.dir, "candidates-copy.csv")
    const saved = await runCts(["art", "get", csv.id, "--out", target], { env: box.env })
    expect(saved.code, saved.stderr).toBe(0)
    expect(await sha256(target)).toBe(csv.sha256)
    const again = await runCts(["art", "get", csv.id, "--out", target], { env: box.env })
    expect(again.code, again.stderr).toBe(1)
    const piped = await runCts(["art", "get", csv.id, "--stdout"], { env: box.env })
    expect(createHash("sha256").update(piped.stdout).digest("hex")).toBe(csv.sha256)

    const zip = path.join(box.dir, "run.zip")
    const bundle = await runCts(["bundle", runId, "--out", zip, "--json"], { env: box.env })
    expect(bundle.code, bundle.stderr).toBe(0)
    const bytes = await readFile(zip)
    expect(bytes.subarray(0, 4).toString("binary")).toBe("PK\u0003\u0004")
    for (const a of firstJson.artifacts) expect(bytes.includes(Buffer.from(a.name))).toBe(true)
    expect((await runCts(["bundle", runId, "--out", zip], { env: box.env })).code).toBe(1)
  })
})

describe.runIf(process.platform === "linux")("cts run --open", () => {
  const box = useSandbox()

  it("hands the out dir to the desktop's opener when done; without --out-dir it is a usage error", async () => {
    const bin = path.join(box.dir, "fake-bin")
    await mkdir(bin, { recursive: true })
    const opened = path.join(box.dir, "opened.txt")
    await writeFile(path.join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s' "$1" > "${opened}"\n`, { mode: 0o755 })
    const env = { ...box.env, PATH: `${bin}${path.delimiter}${box.env.PATH ?? ""}` }
    const target = path.join(box.dir, "out/opened")
    const result = await runCts(["run", "cruise-control-analyzer", "--path", demo, "--out-dir", target, "--open", "-p", "marker_type=none"], { env })
    expect(result.code, result.stderr).toBe(0)
    await until(() => existsSync(opened), 10_000)
    await until(async () => (await readFile(opened, "utf8")) === target, 10_000)
    const usage = await runCts(["run", "cruise-control-analyzer", "--path", demo, "--open"], { env })
    expect(usage.code).toBe(1)
    expect(usage.stderr).toContain("--open needs --out-dir")
  })
})
