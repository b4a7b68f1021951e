import { execFileSync } from "node:child_process"
import { readlinkSync } from "node:fs"
import { constants, setPriority } from "node:os"

/**
 * Makes this thread yield to the thread serving requests when cores are scarce. On Linux it moves
 * only this thread to SCHED_IDLE (via util-linux `chrt`): it runs on otherwise idle CPU time, and a
 * waking request-serving thread preempts it (at once where the kernel preempts on wakeup, else at the
 * next scheduler tick), where nice 19 alone still left requests waiting for the end of a slice. Where that is not possible, nice 19 (`os.setPriority` also applies to the
 * calling thread only on Linux); where neither is, normal priority.
 */
export const yieldToMainThread = () => {
  if (process.platform === "linux") {
    try {
      const threadId = readlinkSync("/proc/thread-self").split("/").pop()!
      execFileSync("chrt", ["--idle", "--pid", "0", threadId], { stdio: "ignore", timeout: 5000 })
      return
    } catch {
      // no chrt or /proc: fall back to nice
    }
  }
  try {
    setPriority(constants.priority.PRIORITY_LOW)
  } catch {
    // not permitted or not supported: run at normal priority
  }
}
