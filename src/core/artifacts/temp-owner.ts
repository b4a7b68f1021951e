import { hostname } from "node:os"
import { readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises"
import path from "node:path"
import { Effect } from "effect"
import { hostAlive, registerInstance } from "../util/process-instance.js"
import { fsError } from "./fs-errors.js"
import { ensurePrivateDir, PRIVATE_FILE_MODE } from "../util/private-files.js"

/** How often a writer renews the lease on its temp directory. */
export const TEMP_LEASE_RENEW_MS = 30_000
/** A temp directory of another machine whose lease was not renewed for this long is known dead. */
export const TEMP_LEASE_STALE_MS = 30 * 60_000

const OWNER_FILE = "owner.json"

/** Who writes into one `artifacts-tmp/<owner>/` directory. */
interface TempOwner {
  /** `<pid>:<instance>`, checked with the executor's host liveness. */
  readonly host: string
  readonly hostname: string
}

const isOwner = (u: unknown): u is TempOwner =>
  typeof u === "object" && u !== null && typeof (u as TempOwner).host === "string" && typeof (u as TempOwner).hostname === "string"

/**
 * Whether the writer of a temp directory is known dead: on this machine, its process (or, in this
 * process, its store instance) is gone; on another machine, its lease is stale. A directory with no
 * readable owner record is judged by its age alone.
 */
const knownDead = async (dir: string, now: number): Promise<boolean> => {
  const owner: unknown = await readFile(path.join(dir, OWNER_FILE), "utf8").then(JSON.parse, () => null)
  if (isOwner(owner) && owner.hostname === hostname()) return !hostAlive(owner.host)
  const lease = (await stat(path.join(dir, OWNER_FILE)).catch(() => null)) ?? (await stat(dir).catch(() => null))
  return lease !== null && now - lease.mtimeMs >= TEMP_LEASE_STALE_MS
}

const staleFile = async (file: string, now: number): Promise<boolean> => {
  const info = await stat(file).catch(() => null)
  return info !== null && now - info.mtimeMs >= TEMP_LEASE_STALE_MS
}

/**
 * Removes what dead writers left in `tmpRoot`: their directories, and loose files of the flat layout
 * older versions used (once not written for the stale period). Live writers' files are never touched.
 */
export const sweepDeadTemp = async (tmpRoot: string): Promise<ReadonlyArray<string>> => {
  const now = Date.now()
  const removed: Array<string> = []
  for (const entry of await readdir(tmpRoot, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(tmpRoot, entry.name)
    if (!(entry.isDirectory() ? await knownDead(full, now) : await staleFile(full, now))) continue
    await rm(full, { recursive: true, force: true })
    removed.push(entry.name)
  }
  return removed
}

/**
 * Claims a private temp directory `tmpRoot/<pid>.<instance>` for this store instance, with an owner
 * record whose lease is renewed while the scope is open, sweeps what dead writers left, and removes
 * the directory when the scope closes.
 */
export const claimTempDir = (tmpRoot: string) =>
  Effect.gen(function* () {
    const instance = yield* Effect.acquireRelease(Effect.sync(registerInstance), i => Effect.sync(i.release))
    const dir = path.join(tmpRoot, instance.host.replace(":", "."))
    const ownerFile = path.join(dir, OWNER_FILE)
    yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          ensurePrivateDir(tmpRoot)
          ensurePrivateDir(dir)
          await writeFile(ownerFile, JSON.stringify({ host: instance.host, hostname: hostname(), pid: process.pid, createdAt: new Date().toISOString() }), {
            mode: PRIVATE_FILE_MODE
          })
        },
        catch: fsError("Creating the artifact store's temp directory")
      }),
      () => Effect.promise(() => rm(dir, { recursive: true, force: true }))
    )
    yield* Effect.acquireRelease(
      Effect.sync(() => {
        const timer = setInterval(() => {
          const t = new Date()
          utimes(ownerFile, t, t).catch(() => undefined)
        }, TEMP_LEASE_RENEW_MS)
        timer.unref()
        return timer
      }),
      timer => Effect.sync(() => clearInterval(timer))
    )
    yield* Effect.promise(() => sweepDeadTemp(tmpRoot))
    return dir
  })
