import { existsSync, readdirSync, readFileSync } from "node:fs"
import { once } from "node:events"
import type { Worker } from "node:worker_threads"
import { afterEach, describe, expect, it } from "vitest"
import { startToolWorker } from "../../src/core/executor/worker-prestart.js"
import type { FromWorker, WorkerJob } from "../../src/core/executor/worker-protocol.js"

/** Scheduling policy and nice value of each thread of this process (Linux /proc; fields 19 and 41 of stat). */
const threads = () =>
  readdirSync("/proc/self/task").map(tid => {
    const fields = readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]!.split(" ")
    return { tid: Number(tid), nice: Number(fields[16]), policy: Number(fields[38]) }
  })

const job = (toolId: string): WorkerJob => ({ runId: "run_test", toolId, toolVersion: "0", moduleUrl: null, params: {}, inputs: [] })

/** Sends a job for a tool that does not exist and returns the worker's answer (it comes once its modules loaded). */
const answerTo = async (worker: Worker, toolId: string): Promise<FromWorker> => {
  worker.postMessage({ type: "start", job: job(toolId) })
  for (;;) {
    const [msg] = (await once(worker, "message")) as [FromWorker]
    if (msg.type === "failed" || msg.type === "done") return msg
  }
}

const started: Array<Worker> = []
afterEach(async () => {
  await Promise.all(started.splice(0).map(w => w.terminate()))
})

describe.runIf(existsSync("/proc/self/task"))("tool worker start options", () => {
  it("a worker started with lowPriority: false keeps the process's priority; it answers a job for an unknown tool with unknown_tool", async () => {
    const own = threads().find(t => t.tid === process.pid)!
    const before = new Set(threads().map(t => t.tid))
    const worker = startToolWorker({ lowPriority: false, preloadToolId: "rlog-to-csv" })
    expect(worker).not.toBeNull()
    started.push(worker!)
    const answer = await answerTo(worker!, "no-such-tool")
    expect(answer).toMatchObject({ type: "failed", error: { code: "unknown_tool" } })
    const added = threads().filter(t => !before.has(t.tid))
    expect(added.length).toBeGreaterThan(0)
    for (const t of added) expect(t).toMatchObject({ nice: own.nice, policy: own.policy })
  })

  it("a worker started without options lowers its own thread's priority", async () => {
    const before = new Set(threads().map(t => t.tid))
    const worker = startToolWorker()
    started.push(worker!)
    await answerTo(worker!, "no-such-tool")
    const added = threads().filter(t => !before.has(t.tid))
    expect(added.some(t => t.policy === 5 || t.nice === 19)).toBe(true)
  })
})
