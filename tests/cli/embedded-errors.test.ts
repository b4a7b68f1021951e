import { mkdir, writeFile } from "node:fs/promises"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { json, runCts, useSandbox } from "./cli-harness.js"
import { repoRoot, sharedData } from "../support/shared-data.js"

const demo = path.join(repoRoot, "examples/data/subaru_cruise_demo.rlog.zst")
const garbage = path.join(sharedData, "rlog/bad/garbage_header.rlog")

describe("cts embedded: usage errors, failures and exit codes", () => {
  const box = useSandbox()

  const noRuns = async () => expect(json(await runCts(["runs", "list", "--json"], { env: box.env })).items).toEqual([])

  it("names an unknown param, lists the valid ones from the tool's schema, and runs nothing (exit 1)", async () => {
    const cap = json(await runCts(["cap", "cruise-control-analyzer", "--json"], { env: box.env }))
    const valid = Object.keys(cap.tools[0].paramsJsonSchema.properties)
    expect(valid).toContain("speed_min")
    const result = await runCts(["run", "cruise-control-analyzer", "--path", demo, "-p", "speed_mni=50"], { env: box.env })
    expect(result.code, result.stderr).toBe(1)
    expect(result.stderr).toContain('Unknown param "speed_mni" for cruise-control-analyzer')
    for (const name of valid) expect(result.stderr).toContain(name)
    await noRuns()
  })

  it("rejects an ill-typed param by its schema type, with the JSON error shape under --json", async () => {
    const result = await runCts(["run", "cruise-control-analyzer", "--path", demo, "-p", "speed_min=fast", "--json"], { env: box.env })
    expect(result.code, result.stderr).toBe(1)
    const body = json(result)
    expect(body.error).toMatchObject({ category: "validation_error", code: "invalid_param", details: { param: "speed_min", got: "fast" } })
    expect(body.error.message).toBe('Param "speed_min" of cruise-control-analyzer expects number, got "fast"')
    expect(body.error.suggested_actions[0]).toContain("speed_max")
    const choice = await runCts(["run", "cruise-control-analyzer", "--path", demo, "-p", "marker_type=sirens"], { env: box.env })
    expect(choice.code, choice.stderr).toBe(1)
    expect(choice.stderr).toContain("none|blinkers")
    await noRuns()
  })

  it("refuses a DBC that does not parse and an input of the wrong kind before any run (exit 1, no run record)", async () => {
    const dbc = path.join(box.dir, "broken.dbc")
    await writeFile(dbc, 'VERSION ""\n\nBO_ 37 STEER: 8 XXX\n SG_ ANGLE : 3|12@0- (1.5,0) [-500|500] "deg" XXX\n SG_ oops\n')
    const parse = await runCts(["run", "dbc-signals", "--path", demo, "--path", dbc, "--json"], { env: box.env })
    expect(parse.code, parse.stderr).toBe(1)
    expect(json(parse).error).toMatchObject({ category: "validation_error", code: "dbc_parse_error" })
    expect(json(parse).error.message).toContain("line 5")
    const kind = await runCts(["run", "rlog-to-csv", "--path", path.join(sharedData, "opendbc/subaru_global_2017_generated.dbc")], { env: box.env })
    expect(kind.code, kind.stderr).toBe(1)
    expect(kind.stderr).toContain('input "subaru_global_2017_generated.dbc" looks like a DBC file')
    expect(kind.stderr).toContain("[wrong_input_type]")
    await noRuns()
  })

  it("names a missing input file, an unknown tool and an unknown option (exit 1)", async () => {
    const missing = await runCts(["run", "cruise-control-analyzer", "--path", "no/such/drive.rlog"], { env: box.env })
    expect(missing.code, missing.stderr).toBe(1)
    expect(missing.stderr).toContain("Input file not found: no/such/drive.rlog")
    const tool = await runCts(["run", "cruise-control-analyser", "--path", demo], { env: box.env })
    expect(tool.code, tool.stderr).toBe(1)
    expect(tool.stderr).toContain('Unknown tool "cruise-control-analyser"')
    expect(tool.stderr).toContain("cruise-control-analyzer")
    const option = await runCts(["run", "cruise-control-analyzer", "--pth", demo], { env: box.env })
    expect(option.code, option.stderr).toBe(1)
    expect(option.stderr).toContain("Unknown option --pth for cts run")
    const noInput = await runCts(["run", "cruise-control-analyzer"], { env: box.env })
    expect(noInput.code, noInput.stderr).toBe(1)
    expect(noInput.stderr).toContain("needs an input")
    await noRuns()
  })

  it("exits 3 when the run fails, printing the tool's typed error", async () => {
    const result = await runCts(["run", "cruise-control-analyzer", "--path", garbage, "--json"], { env: box.env })
    expect(result.code, result.stderr).toBe(3)
    const { run } = json(result)
    expect(run.status).toBe("failed")
    expect(run.error.category).toBe("tool_error")
    const human = await runCts(["runs", "get", run.id], { env: box.env })
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/status\s+failed/)
    expect(human.stdout).toContain(run.error.code)
  })

  it("unknown run ids are a validation error (exit 1); broken config is named (exit 1)", async () => {
    const unknown = await runCts(["runs", "get", "run_doesnotexist", "--json"], { env: box.env })
    expect(unknown.code, unknown.stderr).toBe(1)
    expect(json(unknown).error.category).toBe("validation_error")
    const cfgDir = path.join(box.env.XDG_CONFIG_HOME!, "cts")
    await mkdir(cfgDir, { recursive: true })
    await writeFile(path.join(cfgDir, "config.toml"), 'sever = "http://x"\n')
    const bad = await runCts(["runs", "list"], { env: box.env })
    expect(bad.code, bad.stderr).toBe(1)
    expect(bad.stderr).toContain(path.join(cfgDir, "config.toml"))
    expect(bad.stderr).toContain('Unknown setting "sever"')
    await writeFile(path.join(cfgDir, "config.toml"), "")
  })

  it("has help for every command", async () => {
    for (const cmd of [
      [],
      ["cap"],
      ["run"],
      ["logs"],
      ["runs"],
      ["runs", "list"],
      ["runs", "get"],
      ["runs", "cancel"],
      ["art"],
      ["art", "list"],
      ["art", "get"],
      ["bundle"],
      ["upload"],
      ["serve"],
      ["version"]
    ]) {
      const result = await runCts([...cmd, "--help"], { env: box.env })
      expect(result.code, cmd.join(" ")).toBe(0)
      expect(result.stdout).toContain(`cts${cmd.length ? " " + cmd.join(" ") : ""}`)
      expect(result.stdout).toContain("USAGE")
    }
  })
})
