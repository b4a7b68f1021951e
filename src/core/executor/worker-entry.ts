// A run's worker thread. It lowers its own priority first, so that even loading the tool modules
// (a few hundred ms of CPU) does not compete with the thread serving requests.
import { yieldToMainThread } from "./thread-priority.js"

yieldToMainThread()
await import("./worker-main.js")
