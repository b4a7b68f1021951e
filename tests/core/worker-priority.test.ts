import { execFileSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { testClient, until } from "./helpers.js"

/** SCHED_IDLE in /proc/<pid>/task/<tid>/stat's `policy` field. */
const SCHED_IDLE = 5

/** Nice value and scheduling policy of each thread of this process (Linux /proc; fields 19 and 41 of stat). */
const threads = () =>
  readdirSync("/proc/self/task").map(tid => {
    const fields = readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]!.split(" ")
    return { tid: Number(tid), nice: Number(fields[16]), policy: Number(fields[38]) }
  })

const hasChrt = (() => {
  try {
    execFileSync("chrt", ["--version"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()

describe.runIf(existsSync("/proc/self/task"))("worker thread priority", () => {
  it(`runs tools ${hasChrt ? "under SCHED_IDLE" : "at nice 19"} while the thread serving requests keeps normal priority`, async () => {
    const startNice = threads().find(t => t.tid === process.pid)!.nice
    const { cts, close } = await testClient({ concurrency: 1 })
    try {
      const run = await cts.submit("test-cpu-busy", { input: [], params: { ms: 1500 } })
      await until(async () => (await cts.get(run.id)).status === "running")
      const lowered = (t: ReturnType<typeof threads>[number]) => (hasChrt ? t.policy === SCHED_IDLE : t.nice === 19)
      await until(() => threads().some(lowered), 5000)
      const main = threads().find(t => t.tid === process.pid)!
      expect(main).toMatchObject({ nice: startNice, policy: 0 })
      expect(threads().filter(lowered).length).toBeGreaterThanOrEqual(1)
      await cts.wait(run.id)
    } finally {
      await close()
    }
  })
})
