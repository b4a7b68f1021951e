import { createHash } from "node:crypto"
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assertBuilt, createSandbox, finished, json, runCts, spawnCts, startServe, waitForOutput, type Sandbox, type TestServer } from "./cli-harness.js"
import { repoRoot } from "../support/shared-data.js"

const demo = path.join(repoRoot, "examples/data/subaru_cruise_demo.rlog.zst")
const TOKEN = "cli-test-token-0123456789abcdef"
const sha256 = async (file: string) =>
  createHash("sha256")
    .update(await readFile(file))
    .digest("hex")

/** Keys of an object, recursively, so shapes can be compared without values. */
const shape = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.length
      ? [shape(v[0])]
      : []
    : v && typeof v === "object"
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map(k => [k, shape((v as any)[k])])
        )
      : typeof v

describe("cts --server: the same commands against a real server on 127.0.0.1", () => {
  let serverBox: Sandbox
  let client: Sandbox
  let server: TestServer
  let remote: NodeJS.ProcessEnv

  beforeAll(async () => {
    assertBuilt()
    serverBox = await createSandbox()
    client = await createSandbox()
    server = await startServe({ ...serverBox.env, CTS_INPUT_ROOTS: path.join(repoRoot, "examples/data"), CTS_TOKENS: `tester=${TOKEN}` })
    remote = { ...client.env, CTS_URL: server.url, CTS_TOKEN: TOKEN }
  })
  afterAll(async () => {
    await server?.stop()
    await serverBox?.cleanup()
    await client?.cleanup()
  })

  it("prints the same capabilities and version shape as embedded mode", async () => {
    const here = json(await runCts(["cap", "--json"], { env: client.env }))
    const there = json(await runCts(["cap", "--json"], { env: remote }))
    expect(there).toEqual(here)
    const version = json(await runCts(["version", "--json"], { env: remote }))
    expect(version.server).toMatchObject({ name: "cts-lite", version: version.cli.version })
  })

  it("runs a server-side path with --out-dir: same --json shape as embedded, files byte-exact", async () => {
    const outDir = path.join(client.dir, "remote-out")
    const result = await runCts(["run", "cruise-control-analyzer", "--path", demo, "--out-dir", outDir, "--json"], { env: remote })
    expect(result.code, result.stderr).toBe(0)
    const body = json(result)
    expect(body.run.status).toBe("completed")
    expect(body.run.summary.set_presses_s[0]).toBeCloseTo(40.0, 1)
    expect((await readdir(outDir)).sort()).toEqual(body.artifacts.map((a: any) => a.name).sort())
    for (const a of body.artifacts) expect(await sha256(path.join(outDir, a.name))).toBe(a.sha256)
    const embedded = json(await runCts(["run", "cruise-control-analyzer", "--path", demo, "--json"], { env: client.env }))
    expect(shape({ ...body, files: [] })).toEqual(shape({ ...embedded, files: [] }))
    expect(shape(body.run)).toEqual(shape(embedded.run))
    const refused = await runCts(["run", "cruise-control-analyzer", "--path", demo, "--out-dir", outDir], { env: remote })
    expect(refused.code, refused.stderr).toBe(1)
    expect(refused.stderr).toContain("Refusing to overwrite")
  })

  it("uploads a local file and runs on it; path inputs outside the server's roots are refused", async () => {
    const up = json(await runCts(["upload", demo, "--json"], { env: remote }))
    expect(up.sha256).toBe("4b7b3dc558334ad26c53086199200faf4960844d8da806b57063351803d61ccc")
    const byId = await runCts(["run", "cruise-control-analyzer", "--artifact", up.id, "--wait", "--json"], { env: remote })
    expect(byId.code, byId.stderr).toBe(0)
    expect(json(byId).run.inputs[0].sha256).toBe(up.sha256)
    const direct = await runCts(["run", "cruise-control-analyzer", "--upload", demo, "--wait", "--json"], { env: remote })
    expect(direct.code, direct.stderr).toBe(0)
    const outside = await runCts(["run", "cruise-control-analyzer", "--path", "/etc/passwd", "--json"], { env: remote })
    expect(outside.code, outside.stderr).toBe(1)
    expect(json(outside).error.category).toBe("validation_error")
    expect(json(outside).error.suggested_actions[0]).toContain("--upload /etc/passwd")
  })

  it("without --wait prints the run id; cancel says what happened; logs --follow exits 4 for a canceled run", async () => {
    const route = Array.from({ length: 12 }, () => ["--path", demo]).flat()
    const submitted = await runCts(["run", "cruise-control-analyzer", ...route], { env: remote })
    expect(submitted.code, submitted.stderr).toBe(0)
    const id = submitted.stdout.trim()
    expect(id).toMatch(/^\S+$/)
    const cancel = json(await runCts(["runs", "cancel", id, "--json"], { env: remote }))
    expect(cancel.outcome).toBe("canceled")
    const follow = await runCts(["logs", id, "--follow"], { env: remote })
    expect(follow.code, follow.stderr).toBe(4)
    expect(follow.stdout).toMatch(/end\s+canceled/)
    const again = json(await runCts(["runs", "cancel", id, "--json"], { env: remote }))
    expect(again.outcome).toBe("already_finished")
    const listed = json(await runCts(["runs", "list", "--status", "canceled", "--json"], { env: remote }))
    expect(listed.items.map((r: any) => r.id)).toContain(id)
  })

  it("Ctrl-C during a remote --follow detaches, prints how to cancel, and leaves the run going", async () => {
    const route = Array.from({ length: 12 }, () => ["--path", demo]).flat()
    const child = spawnCts(["run", "cruise-control-analyzer", ...route, "--follow", "--name", "detach-me"], { env: remote })
    const done = finished(child)
    await waitForOutput(child, "stdout", /status\s+running|Reading /)
    child.kill("SIGINT")
    const result = await done
    expect(result.code, result.stderr).toBe(130)
    const id = /cts runs cancel (\S+) --server/.exec(result.stderr)?.[1]
    expect(id, result.stderr).toBeDefined()
    expect(result.stderr).toContain(`--server ${server.url}`)
    const run = json(await runCts(["runs", "get", id!, "--json"], { env: remote }))
    expect(["queued", "running", "completed"]).toContain(run.status)
    expect((await runCts(["runs", "cancel", id!], { env: remote })).code).toBe(0)
  })

  it("auth and reachability: no token or a wrong one is exit 2; token from flag, env or config file works; flags win", async () => {
    const noToken = await runCts(["runs", "list", "--server", server.url], { env: client.env })
    expect(noToken.code, noToken.stderr).toBe(2)
    expect(noToken.stderr).toContain("--token")
    const flag = await runCts(["runs", "list", "--server", server.url, "--token", TOKEN, "--json"], { env: client.env })
    expect(flag.code, flag.stderr).toBe(0)
    const before = await runCts(["--server", server.url, "--token", TOKEN, "--json", "runs", "list"], { env: client.env })
    expect(before.code, before.stderr).toBe(0)
    expect(json(before).items.map((r: any) => r.id)).toEqual(json(flag).items.map((r: any) => r.id))
    const cfgDir = path.join(client.env.XDG_CONFIG_HOME!, "cts")
    await mkdir(cfgDir, { recursive: true })
    await writeFile(path.join(cfgDir, "config.toml"), `server = "${server.url}"\ntoken = "${TOKEN}"\n`)
    const fromFile = await runCts(["runs", "list", "--json"], { env: client.env })
    expect(fromFile.code, fromFile.stderr).toBe(0)
    expect(json(fromFile).items.length).toBeGreaterThan(0)
    const envWins = await runCts(["runs", "list"], { env: { ...client.env, CTS_TOKEN: "wrong-token" } })
    expect(envWins.code, envWins.stderr).toBe(2)
    const flagWins = await runCts(["runs", "list", "--token", TOKEN], { env: { ...client.env, CTS_TOKEN: "wrong-token" } })
    expect(flagWins.code, flagWins.stderr).toBe(0)
    const embedded = json(await runCts(["runs", "list", "--embedded", "--json"], { env: client.env }))
    expect(embedded.items.every((r: any) => r.owner === null)).toBe(true)
    await writeFile(path.join(cfgDir, "config.toml"), "")
    const unreachable = await runCts(["runs", "list", "--server", "http://127.0.0.1:9"], { env: client.env })
    expect(unreachable.code, unreachable.stderr).toBe(2)
    expect(unreachable.stderr).toContain("Cannot reach the server at http://127.0.0.1:9")
  })

  it("cts serve stops cleanly on SIGTERM (exit 0)", async () => {
    expect(await server.stop()).toBe(0)
    const gone = await runCts(["version", "--server", server.url], { env: client.env })
    expect(gone.code, gone.stderr).toBe(2)
  })
})
