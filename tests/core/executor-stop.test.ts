import { existsSync, readFileSync, statSync } from "node:fs"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { listTemporaryFiles } from "../../src/core/artifacts/local-artifact-store.js"
import { collect, sleep, useTestClient, until } from "./helpers.js"

const t = useTestClient({ concurrency: 2 })

const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : 0)

/** Epoch ms of every line the appender tool wrote (`<n> <epoch ms>`). */
const stamps = (file: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map(line => Number(line.split(" ")[1]))

/** Waits until the file exists and grows, then returns its size. */
const growing = async (file: string) => {
  await until(() => sizeOf(file) > 0, 30_000)
  const first = sizeOf(file)
  await until(() => sizeOf(file) > first, 30_000)
  return sizeOf(file)
}

/** Asserts the file does not change any more (the work really stopped). */
const expectStable = async (file: string) => {
  const after = sizeOf(file)
  await sleep(400)
  expect(sizeOf(file)).toBe(after)
}

describe("cancel and timeout stop the work", () => {
  for (const cooperative of [true, false]) {
    it(`cancel stops a ${cooperative ? "cooperative" : "non-cooperative (busy-looping)"} tool within 1 s`, async () => {
      const file = path.join(t.dir, `cancel-${cooperative}.txt`)
      const run = await t.cts.submit("test-appender", { input: [], params: { file, cooperative } })
      await growing(file)
      const asked = Date.now()
      const outcome = await t.cts.cancel(run.id)
      expect(Date.now() - asked).toBeLessThan(1000)
      expect(Math.max(...stamps(file))).toBeLessThan(asked + 1000)
      expect(outcome.outcome).toBe("canceled")
      expect(outcome.run).toMatchObject({ status: "canceled", error: null })
      await expectStable(file)
      const events = await collect(t.cts.logs(run.id))
      expect(events.at(-1)).toMatchObject({ type: "end", status: "canceled" })
      expect((await t.cts.cancel(run.id)).outcome).toBe("already_finished")
    })
  }

  it("a timeout stops a busy-looping tool and records failed/timeout", async () => {
    const file = path.join(t.dir, "timeout.txt")
    const run = await t.cts.submit("test-appender", { input: [], params: { file, cooperative: false }, timeoutMs: 700 })
    const done = await t.cts.wait(run.id)
    expect(done.status).toBe("failed")
    expect(done.error).toMatchObject({ category: "tool_error", code: "timeout" })
    await expectStable(file)
    const written = stamps(file)
    expect(written.length).toBeGreaterThan(5)
    expect(written.at(-1)! - written[0]!).toBeGreaterThanOrEqual(600)
    expect(written.at(-1)! - written[0]!).toBeLessThan(700 + 1000)
  })

  it("cancel mid-artifact discards the unfinished artifact and flags the finished one partial", async () => {
    const run = await t.cts.submit("test-slow-artifact", { input: [] })
    const tmp = path.join(t.dir, "data", "artifacts-tmp")
    const tempFiles = () => listTemporaryFiles(path.join(t.dir, "data"))
    await until(async () => {
      const [first] = await tempFiles()
      return first !== undefined && statSync(path.join(tmp, first)).size > 4096
    }, 30_000)
    const [temp] = await tempFiles()
    const outcome = await t.cts.cancel(run.id)
    expect(outcome.run.status).toBe("canceled")
    expect(existsSync(path.join(tmp, temp!))).toBe(false)
    const artifacts = await t.cts.artifacts(run.id)
    expect(artifacts.map(a => [a.name, a.partial])).toEqual([["first.txt", true]])
    expect(existsSync(path.join(t.dir, "data", "artifacts", "runs", run.id, "slow.bin"))).toBe(false)
  })

  it("cancel of a queued run never starts it", async () => {
    const a = await t.cts.submit("test-appender", { input: [], params: { file: path.join(t.dir, "q-a.txt") } })
    const b = await t.cts.submit("test-appender", { input: [], params: { file: path.join(t.dir, "q-b.txt") } })
    const c = await t.cts.submit("test-appender", { input: [], params: { file: path.join(t.dir, "q-c.txt") } })
    await until(async () => (await t.cts.get(b.id)).status === "running", 30_000)
    expect((await t.cts.get(c.id)).status).toBe("queued")
    const outcome = await t.cts.cancel(c.id)
    expect(outcome).toMatchObject({ outcome: "canceled", run: { status: "canceled", startedAt: null } })
    const events = await collect(t.cts.logs(c.id))
    expect(events.map(e => `${e.type}:${"status" in e ? e.status : ""}`)).toEqual(["status:queued", "status:canceled", "end:canceled"])
    await Promise.all([t.cts.cancel(a.id), t.cts.cancel(b.id)])
    await sleep(200)
    expect(existsSync(path.join(t.dir, "q-c.txt"))).toBe(false)
  })
})
