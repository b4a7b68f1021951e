import type { Stats } from "node:fs"
import path from "node:path"

/** What identifies an input file between submit and the worker's open: device, inode, size and mtime. */
export interface FileIdentity {
  readonly dev: number
  readonly ino: number
  readonly size: number
  readonly mtimeMs: number
}

/** The identity of a file from its (l)stat or fstat. */
export const identityOf = (s: Stats): FileIdentity => ({ dev: s.dev, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs })

/** Names of the identity fields that differ (empty when the file is the same, unchanged). */
export const identityChanges = (expected: FileIdentity, actual: FileIdentity): ReadonlyArray<keyof FileIdentity> =>
  (["dev", "ino", "size", "mtimeMs"] as const).filter(k => expected[k] !== actual[k])

/** Kernel pseudo-file systems whose files are never inputs (devices, /proc and /sys files report sizes that are not their contents). */
export const PSEUDO_FS_PREFIXES: ReadonlyArray<string> = ["/dev/", "/proc/", "/sys/"]

/** True for a real path inside /dev, /proc or /sys. */
export const isPseudoFsPath = (real: string): boolean => PSEUDO_FS_PREFIXES.some(p => real.startsWith(p))

/** Whether `p` is one of `roots` or below one (plain string prefix on resolved paths). */
export const isWithinRoots = (roots: ReadonlyArray<string>, p: string): boolean =>
  roots.some(r => p === r || p.startsWith(r.endsWith(path.sep) ? r : r + path.sep))
