import { existsSync, readdirSync, readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { testClient, until } from "./helpers.js"

/** Nice value of each thread of this process (Linux /proc). */
const threadNices = () =>
  readdirSync("/proc/self/task").map((tid) => {
    const fields = readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]!.split(" ")
    return { tid: Number(tid), nice: Number(fields[16]) }
  })

describe.runIf(existsSync("/proc/self/task"))("worker thread priority", () => {
  it("runs tools at the lowest priority (nice 19) while the thread serving requests keeps its own", async () => {
    const { cts, close } = await testClient({ concurrency: 1 })
    try {
      const run = await cts.submit("test-cpu-busy", { input: [], params: { ms: 1500 } })
      await until(async () => (await cts.get(run.id)).status === "running")
      await until(() => threadNices().some((t) => t.nice === 19), 5000)
      expect(threadNices().find((t) => t.tid === process.pid)!.nice).toBe(0)
      await cts.wait(run.id)
    } finally {
      await close()
    }
  })
})
