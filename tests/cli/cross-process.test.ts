import { spawn, type ChildProcess } from "node:child_process"
import { createRequire } from "node:module"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { finished, json, runCts, spawnCts, startServe, useSandbox, waitForOutput } from "./cli-harness.js"
import { repoRoot } from "../support/shared-data.js"

/** The SQLite driver the store itself uses (read-only here, to read what the processes recorded). */
const Database = createRequire(import.meta.url)("better-sqlite3") as new (
  file: string,
  options: { readonly readonly: boolean }
) => {
  prepare: (sql: string) => { get: (...params: ReadonlyArray<unknown>) => unknown }
  close: () => void
}
const holdRun = path.join(repoRoot, "tests/cli/fixtures/hold-run.mjs")

/** Process A: an embedded test-ticker run on the sandbox's data dir; resolves its run id once submitted. */
const startHolder = async (env: NodeJS.ProcessEnv, params: Record<string, unknown>, owner?: string) => {
  const child: ChildProcess = spawn(process.execPath, [holdRun, JSON.stringify(params), ...(owner ? [owner] : [])], {
    env,
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"]
  })
  const done = finished(child)
  const [, id] = await waitForOutput(child, "stdout", /\{"id":"([^"]+)"\}/)
  return { id: id!, done }
}

/** Each stdout line of `child` with the moment this process received it. */
const timedLines = (child: ChildProcess): Array<{ readonly at: number; readonly line: string }> => {
  const lines: Array<{ at: number; line: string }> = []
  let partial = ""
  child.stdout!.on("data", (d: Buffer) => {
    const at = Date.now()
    const parts = (partial + d.toString()).split("\n")
    partial = parts.pop()!
    for (const line of parts) if (line.trim()) lines.push({ at, line })
  })
  return lines
}

describe("one data dir, several processes: live follow and cancel", () => {
  const box = useSandbox()

  it("`cts logs --follow` in another process gets each line within 250 ms of its append and ends with the run", async () => {
    const holder = await startHolder(box.env, { count: 30, everyMs: 100 })
    const follower = spawnCts(["logs", holder.id, "--follow", "--json"], { env: box.env })
    const lines = timedLines(follower)
    const followed = finished(follower)
    const [result, final] = await Promise.all([followed, holder.done])
    expect(result.code, result.stderr).toBe(0)
    expect(final.code, final.stderr).toBe(0)
    expect(JSON.parse(final.stdout.trim().split("\n").at(-1)!)).toMatchObject({ id: holder.id, status: "completed", summary: { ticks: 30 } })

    const events = lines.map(({ at, line }) => ({ at, event: JSON.parse(line) as { seq: number; type: string; time: string; message?: string } }))
    expect(events.map(e => e.event.seq)).toEqual(events.map((_, i) => i + 1))
    expect(events.filter(e => e.event.type === "log").map(e => e.event.message)).toEqual(Array.from({ length: 30 }, (_, i) => `tick ${i}`))
    expect(events.at(-1)!.event).toMatchObject({ type: "end", status: "completed" })

    // Lines appended after the follower had printed its first line were delivered live, not replayed.
    const live = events.filter(e => Date.parse(e.event.time) > events[0]!.at)
    const delays = live.map(e => e.at - Date.parse(e.event.time))
    console.log(
      `cross-process follow: ${live.length} live events, delay max ${Math.max(...delays)} ms, median ${delays.sort((a, b) => a - b)[delays.length >> 1]} ms`
    )
    expect(live.length).toBeGreaterThanOrEqual(10)
    expect(Math.max(...delays)).toBeLessThan(250)
  })

  it("`cts runs cancel` from another process stops the run within 1 s; the run ends canceled as a local cancel would", async () => {
    const holder = await startHolder(box.env, { count: 100_000, everyMs: 50 })
    const follower = spawnCts(["logs", holder.id, "--follow", "--json"], { env: box.env })
    const followed = finished(follower)
    await waitForOutput(follower, "stdout", /"message":"tick 2"/)

    const canceled = await runCts(["runs", "cancel", holder.id, "--json"], { env: box.env })
    expect(canceled.code, canceled.stderr).toBe(0)
    expect(json(canceled)).toMatchObject({ outcome: "canceled", run: { id: holder.id, status: "canceled" } })

    const final = await holder.done
    expect(final.code, final.stderr).toBe(0)
    const record = JSON.parse(final.stdout.trim().split("\n").at(-1)!)
    expect(record).toMatchObject({ status: "canceled", error: null })

    const db = new Database(path.join(box.env.CTS_DATA_DIR!, "cts.sqlite"), { readonly: true })
    const row = db.prepare("SELECT cancel_requested_at AS requested, finished_at AS finished FROM runs WHERE id = ?").get(holder.id) as {
      requested: string
      finished: string
    }
    const lastTick = db.prepare("SELECT MAX(time) AS t FROM run_events WHERE run_id = ? AND type = 'log'").get(holder.id) as { t: string }
    db.close()
    const stopMs = Date.parse(row.finished) - Date.parse(row.requested)
    console.log(`cross-process cancel: run ended ${stopMs} ms after the request (last tick ${Date.parse(lastTick.t) - Date.parse(row.requested)} ms after it)`)
    expect(stopMs).toBeGreaterThanOrEqual(0)
    expect(stopMs).toBeLessThan(1000)

    const after = await followed
    expect(after.code).toBe(4)
    expect(
      after.stdout
        .trim()
        .split("\n")
        .map(l => JSON.parse(l))
        .at(-1)
    ).toMatchObject({ type: "end", status: "canceled" })

    const again = await runCts(["runs", "cancel", holder.id, "--json"], { env: box.env })
    expect(again.code, again.stderr).toBe(0)
    expect(json(again)).toMatchObject({ outcome: "already_finished", run: { status: "canceled" } })
  })

  it("a `cts serve` on the same data dir streams that run live over SSE (`--server --follow`) and cancels it (DELETE)", async () => {
    const server = await startServe(box.env)
    try {
      const holder = await startHolder(box.env, { count: 100_000, everyMs: 100 }, "anonymous")
      const follower = spawnCts(["logs", holder.id, "--follow", "--json", "--server", server.url], { env: box.env })
      const lines = timedLines(follower)
      const followed = finished(follower)
      await waitForOutput(follower, "stdout", /"message":"tick 8"/)

      const canceled = await runCts(["runs", "cancel", holder.id, "--json", "--server", server.url], { env: box.env })
      expect(canceled.code, canceled.stderr).toBe(0)
      expect(json(canceled)).toMatchObject({ outcome: "canceled", run: { status: "canceled" } })
      expect((await holder.done).code).toBe(0)
      expect((await followed).code).toBe(4)

      const events = lines.map(({ at, line }) => ({ at, event: JSON.parse(line) as { seq: number; type: string; time: string } }))
      expect(events.map(e => e.event.seq)).toEqual(events.map((_, i) => i + 1))
      expect(events.at(-1)!.event).toMatchObject({ type: "end", status: "canceled" })
      const live = events.filter(e => Date.parse(e.event.time) > events[0]!.at)
      const delays = live.map(e => e.at - Date.parse(e.event.time))
      console.log(
        `SSE of another process's run: ${live.length} live events, delay max ${Math.max(...delays)} ms, median ${delays.sort((a, b) => a - b)[delays.length >> 1]} ms`
      )
      expect(live.length).toBeGreaterThanOrEqual(5)
      expect(Math.max(...delays)).toBeLessThan(250)
    } finally {
      await server.stop()
    }
  })
})
