import { ToolError } from "../errors.js"

/** Codes of the fatal problems a log read can end with. */
export type LogErrorCode =
  | "bad_segment_table"
  | "decompression_failed"
  | "checksum_mismatch"
  | "aborted"
  | "log_already_read"
  | "not_a_log"
  | "decompression_ratio_exceeded"
  | "window_too_large"

/** Where in the input a problem was found. */
export interface LogErrorDetails {
  /** Byte offset: in the decompressed stream for framing errors, in the compressed file for decompression errors. */
  readonly offset?: number
  /** Index of the message (event) being read, counted from 0 within the segment. */
  readonly messageIndex?: number
  /** Index of the route segment (0 for a single file). */
  readonly segment?: number
  readonly [key: string]: unknown
}

const suggestedActions: Record<LogErrorCode, string> = {
  bad_segment_table:
    "Check that the input is an openpilot rlog or qlog (raw, .zst or .bz2). If it was cut or damaged, fetch a fresh copy; events before the error were read normally.",
  decompression_failed:
    "The compressed file is damaged. Fetch a fresh copy, or check it with `zstd -t` / `bzip2 -t`; events before the damaged block were read normally.",
  checksum_mismatch:
    "The zstd content checksum does not match: some decompressed bytes are wrong and events already read may be wrong too. Fetch a fresh copy of the file.",
  aborted: "The read was canceled; start it again if the result is still needed.",
  log_already_read: "A LogReader reads its source once; call openLog again with a fresh source for another pass.",
  not_a_log:
    'Check that the input is an openpilot rlog or qlog (raw, .zst or .bz2), not zeros or other data. If it is a real log that starts damaged, raise the `maxLeadingMalformed` reader limit (docs/log-reader.md, "Reader limits").',
  decompression_ratio_exceeded:
    'The file expands far more than any log does (a decompression bomb, or a log of mostly zeros). If it is a genuine log, raise the `maxDecompressionRatio` reader limit (docs/log-reader.md, "Reader limits").',
  window_too_large:
    "The zstd file was written with a window above 8 MiB (`zstd --long`, or `--ultra -20` and up). Recompress it without them, e.g. `zstd -d -c in.zst | zstd -19 -o out.zst`."
}

/** Builds the typed error a log read fails with. */
export const logError = (code: LogErrorCode, message: string, details: LogErrorDetails = {}): ToolError =>
  new ToolError({ code, message, suggestedAction: suggestedActions[code], details })

/** Thrown by the decompressors; the reader turns it into a ToolError with message context. */
export class DecodeFailure extends Error {
  constructor(
    readonly code: "decompression_failed" | "checksum_mismatch" | "window_too_large",
    message: string,
    /** Offset in the compressed input. */
    readonly offset: number
  ) {
    super(message)
  }
}

/**
 * A Cap'n Proto structure that points outside its message or has an impossible shape. Thrown inside the
 * reader and always caught there (the message is skipped), so it is not an Error: no stack trace is
 * captured, which keeps a flood of malformed messages cheap.
 */
export class MalformedMessage {
  constructor(readonly message: string) {}
}

/** `text`, prefixed with the route segment when it is not the first. */
export const segmentLabel = (segment: number, text: string): string => (segment > 0 ? `Route segment ${segment}: ${text}` : text)
