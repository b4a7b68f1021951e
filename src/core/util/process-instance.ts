import { randomBytes } from "node:crypto"

/** Process-wide set of executor instances that are alive in this process. */
const liveInstances = new Set<string>()

/** Registers a new executor instance; its host id is `<pid>:<instance>`. */
export const registerInstance = (): { readonly host: string; readonly release: () => void } => {
  const instance = randomBytes(6).toString("hex")
  liveInstances.add(instance)
  return { host: `${process.pid}:${instance}`, release: () => liveInstances.delete(instance) }
}

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** Whether the executor that owns a run (by host id) may still be running it. */
export const hostAlive = (host: string): boolean => {
  const [pidText, instance] = host.split(":")
  const pid = Number(pidText)
  if (!Number.isInteger(pid) || pid <= 0) return false
  if (pid === process.pid) return instance !== undefined && liveInstances.has(instance)
  return processAlive(pid)
}
