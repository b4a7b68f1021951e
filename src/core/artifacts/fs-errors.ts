import { SystemError } from "../errors.js"

const codes: Record<string, { code: string; action: string }> = {
  ENOSPC: { code: "disk_full", action: "Free disk space in the data dir or lower the retention period" },
  EDQUOT: { code: "disk_full", action: "Free disk space in the data dir or raise the quota" },
  EACCES: { code: "permission_denied", action: "Check the permissions of the data dir" },
  EPERM: { code: "permission_denied", action: "Check the permissions of the data dir" },
  EROFS: { code: "read_only_storage", action: "Point CTS_DATA_DIR at a writable file system" }
}

/** Maps a file-system failure to a SystemError with a stable code (`disk_full`, `permission_denied`, `io_error`…). */
export const fsError =
  (what: string) =>
  (e: unknown): SystemError => {
    const errno = (e as NodeJS.ErrnoException)?.code ?? ""
    const known = codes[errno]
    return new SystemError({
      code: known?.code ?? "io_error",
      message: `${what}: ${(e as Error)?.message ?? String(e)}`,
      ...(known ? { suggestedAction: known.action } : {}),
      details: { errno }
    })
  }
