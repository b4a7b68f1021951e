import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs"

/** Mode of every directory cts-lite creates in the data dir: only the owner may list or enter it. */
export const PRIVATE_DIR_MODE = 0o700
/** Mode of every file cts-lite creates in the data dir (run database, artifacts, uploads, signing key). */
export const PRIVATE_FILE_MODE = 0o600

const chmodIfOwned = (target: string, mode: number) => {
  try {
    chmodSync(target, mode)
  } catch {
    // Not ours (EPERM) or read-only: the operator chose these permissions.
  }
}

/** Creates `dir` (and missing parents) as 0700 whatever the umask, and tightens it to 0700 when it already exists. */
export const ensurePrivateDir = (dir: string): void => {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  chmodIfOwned(dir, PRIVATE_DIR_MODE)
}

/** Creates `file` empty as 0600 unless it exists, and tightens an existing one to 0600 (SQLite then creates its -wal/-shm files with the same mode). */
export const ensurePrivateFile = (file: string): void => {
  closeSync(openSync(file, "a", PRIVATE_FILE_MODE))
  chmodIfOwned(file, PRIVATE_FILE_MODE)
}
