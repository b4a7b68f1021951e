import { createHash } from "node:crypto"
import { readFile } from "node:fs/promises"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { listTemporaryFiles } from "../../src/core/artifacts/local-artifact-store.js"
import { finished, json, runCts, spawnCts, startServe, useSandbox } from "./cli-harness.js"
import { oracleRows } from "../support/oracle.js"
import { rlogPath } from "../support/shared-data.js"

/** Enough copies that the run outlasts the second process's start on a fast machine. */
const SEGMENTS = 6
const bz2 = rlogPath("rav4_seg40.rlog.bz2")
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

const until = async (check: () => Promise<boolean>, what: string, timeoutMs = 60_000) => {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

/** `address,bus,data_hex` of each row of a frames.csv in the old-tools dialect. */
const frameKeys = (csv: string) =>
  csv
    .split("\n")
    .slice(1)
    .filter(l => l.length > 0)
    .map(l => {
      const [, , , address, bus, hex] = l.split(",")
      return `${parseInt(address!, 16)},${bus},${hex}`
    })

const oracleKeys = () =>
  oracleRows("rav4_seg40.frames.csv").map(row => {
    const [, bus, address, hex] = row.split(",")
    return `${parseInt(address!, 16)},${bus},${hex}`
  })

/** Checks a completed rlog-to-csv run over SEGMENTS copies of the RAV4 log against the oracle, byte hash included. */
const expectIntactFrames = async (dataDir: string, run: { id: string; status: string }, artifact: { name: string; sha256: string; size: number }) => {
  expect(run.status).toBe("completed")
  const bytes = await readFile(path.join(dataDir, "artifacts", "runs", run.id, artifact.name))
  expect(bytes.byteLength).toBe(artifact.size)
  expect(createHash("sha256").update(bytes).digest("hex")).toBe(artifact.sha256)
  const oracle = oracleKeys()
  const keys = frameKeys(bytes.toString("utf8"))
  expect(keys.length).toBe(oracle.length * SEGMENTS)
  for (let s = 0; s < SEGMENTS; s++) expect(keys.slice(s * oracle.length, (s + 1) * oracle.length)).toEqual(oracle)
}

describe("a second cts process on the same data dir leaves running runs alone", () => {
  const box = useSandbox()

  it("cts runs list and cts logs during an embedded run: the run completes with its artifact intact", async () => {
    const dataDir = box.env.CTS_DATA_DIR!
    const args = ["run", "rlog-to-csv", ...Array.from({ length: SEGMENTS }, () => ["--path", bz2]).flat(), "--json"]
    const first = finished(spawnCts(args, { env: box.env }))
    await until(async () => (await listTemporaryFiles(dataDir)).length > 0, "the run's temp file")
    const [writing] = await listTemporaryFiles(dataDir)

    const list = await runCts(["runs", "list", "--json"], { env: box.env })
    // the second process opened the store (where a start-up sweeps dead writers' temp files): the live writer's file is kept
    expect(await listTemporaryFiles(dataDir)).toContain(writing)
    expect(list.code, list.stderr).toBe(0)
    const running = json(list).items.find((r: any) => r.status === "running")
    expect(running, "the run was still running when the second process started").toBeDefined()
    const logs = await runCts(["logs", running.id], { env: box.env })
    expect(logs.code, logs.stderr).toBe(0)
    const follow = finished(spawnCts(["logs", running.id, "--follow"], { env: box.env }))

    const result = await first
    expect(result.code, result.stderr).toBe(0)
    const body = json(result)
    expect(body.run.id).toBe(running.id)
    await expectIntactFrames(dataDir, body.run, body.artifacts[0])
    expect((await follow).code).toBe(0)
    expect(await listTemporaryFiles(dataDir)).toEqual([])
  }, 180_000)

  it("an embedded cts on the data dir of a running cts serve leaves the server's run intact", async () => {
    const dataDir = box.env.CTS_DATA_DIR!
    const server = await startServe({ ...box.env, CTS_INPUT_ROOTS: path.dirname(bz2) })
    try {
      const remote = { ...box.env, CTS_URL: server.url }
      const submitted = json(await runCts(["run", "rlog-to-csv", ...Array.from({ length: SEGMENTS }, () => ["--path", bz2]).flat(), "--json"], { env: remote }))
      await until(async () => (await listTemporaryFiles(dataDir)).length > 0, "the server's temp file")
      const list = await runCts(["runs", "list", "--json"], { env: box.env })
      expect(list.code, list.stderr).toBe(0)
      expect(json(list).items.find((r: any) => r.id === submitted.run.id)?.status).toBe("running")
      expect((await runCts(["logs", submitted.run.id, "--follow"], { env: remote })).code).toBe(0)
      const run = json(await runCts(["runs", "get", submitted.run.id, "--json"], { env: remote }))
      const artifacts = json(await runCts(["art", "list", run.id, "--json"], { env: remote }))
      await expectIntactFrames(dataDir, run, artifacts.items[0])
    } finally {
      await server.stop()
    }
  }, 180_000)
})
