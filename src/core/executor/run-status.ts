import type { RunStatus } from "./executor.js"

/** Whether a run in `status` has ended (completed, failed or canceled): nothing changes it any more. */
export const isTerminalStatus = (status: RunStatus): boolean => status === "completed" || status === "failed" || status === "canceled"
