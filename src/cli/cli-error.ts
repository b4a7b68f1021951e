import { hintFor } from "../core/hints.js"
import { cliHints } from "./cli-hints.js"

/** Process exit codes of `cts`. */
export const ExitCode = {
  ok: 0,
  usage: 1,
  store: 2,
  runFailed: 3,
  canceled: 4,
  interrupted: 130
} as const
/** One of the exit codes above. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** Error categories, the same as the core's and the HTTP API's (a bad flag or param is a `validation_error`). */
export type CliErrorCategory = "validation_error" | "tool_error" | "system_error"

/** Fields of a typed error as the CLI prints it (and as `--json` shows it). */
export interface CliErrorInit {
  readonly category: CliErrorCategory
  readonly code: string
  readonly message: string
  readonly suggestedAction?: string | undefined
  readonly details?: unknown
  readonly exitCode?: ExitCode
}

/** The exit code that fits a category when the caller gives none. */
export const exitCodeForCategory = (category: CliErrorCategory): ExitCode => {
  switch (category) {
    case "validation_error":
      return ExitCode.usage
    case "tool_error":
      return ExitCode.runFailed
    case "system_error":
      return ExitCode.store
  }
}

/** An error that ends a `cts` command with a message, a suggested action and an exit code. */
export class CliError extends Error {
  readonly category: CliErrorCategory
  readonly code: string
  readonly suggestedAction: string | undefined
  readonly details: unknown
  readonly exitCode: ExitCode

  constructor(init: CliErrorInit) {
    super(init.message)
    this.name = "CliError"
    this.category = init.category
    this.code = init.code
    this.suggestedAction = hintFor(cliHints, init)
    this.details = init.details
    this.exitCode = init.exitCode ?? exitCodeForCategory(init.category)
  }

  /** The `{ error: … }` document printed with `--json` (same shape as the HTTP API's errors). */
  toJSON(): { error: Record<string, unknown> } {
    return {
      error: {
        category: this.category,
        code: this.code,
        message: this.message,
        details: this.details ?? null,
        suggested_actions: this.suggestedAction ? [this.suggestedAction] : []
      }
    }
  }
}

/** A bad command line: exit 1. */
export const usageError = (code: string, message: string, suggestedAction?: string, details?: unknown): CliError =>
  new CliError({ category: "validation_error", code, message, suggestedAction, details })

/** Could not reach or use the store/server: exit 2. */
export const storeError = (code: string, message: string, suggestedAction?: string, details?: unknown): CliError =>
  new CliError({ category: "system_error", code, message, suggestedAction, details, exitCode: ExitCode.store })

/**
 * Turns anything thrown by a client (core typed errors, fetch failures, CliErrors) into a CliError.
 * Core errors carry `category`, `code`, `message` and `suggestedAction`; anything else is a store error.
 */
export const toCliError = (error: unknown): CliError => {
  if (error instanceof CliError) return error
  if (typeof error === "object" && error !== null) {
    const e = error as { category?: unknown; code?: unknown; message?: unknown; suggestedAction?: unknown; details?: unknown }
    if (
      (e.category === "validation_error" || e.category === "tool_error" || e.category === "system_error") &&
      typeof e.code === "string" &&
      typeof e.message === "string"
    ) {
      return new CliError({
        category: e.category,
        code: e.code,
        message: e.message,
        suggestedAction: typeof e.suggestedAction === "string" ? e.suggestedAction : undefined,
        details: e.details
      })
    }
  }
  const message = error instanceof Error ? error.message : String(error)
  return storeError("internal", message)
}
