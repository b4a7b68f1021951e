import { Effect } from "effect"
import { isCtsError, SystemError, ValidationError } from "../errors.js"
import { decodeDbcBytes, parseDbc } from "./dbc-parser.js"
import type { Dbc } from "./dbc-types.js"

/** Largest DBC file accepted by default (opendbc's biggest is well under 1 MB). */
export const MAX_DBC_BYTES = 16 * 1024 * 1024

const tooBig = (limit: number) =>
  new ValidationError({
    code: "dbc_too_large",
    message: `The DBC input is larger than ${limit} bytes; this is not a DBC file.`,
    suggestedAction: "Pass a DBC text file (opendbc files are a few hundred kB at most)."
  })

/**
 * Reads a DBC from a byte or text stream (a tool input, an HTTP body) and parses it. Bytes are
 * UTF-8, or Windows-1252 when not valid UTF-8. Fails with `dbc_too_large` beyond `maxBytes`,
 * `dbc_parse_error` (line number and text) on bad syntax, or a SystemError when the source fails.
 */
export const parseDbcSource = (
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  maxBytes = MAX_DBC_BYTES
): Effect.Effect<Dbc, ValidationError | SystemError> =>
  Effect.gen(function* () {
    const text = yield* Effect.tryPromise({
      try: async () => {
        const parts: Uint8Array[] = []
        const encoder = new TextEncoder()
        let size = 0
        for await (const chunk of source) {
          const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk
          size += bytes.length
          if (size > maxBytes) throw tooBig(maxBytes)
          parts.push(bytes)
        }
        const all = new Uint8Array(size)
        let at = 0
        for (const p of parts) {
          all.set(p, at)
          at += p.length
        }
        return decodeDbcBytes(all)
      },
      catch: e =>
        e instanceof ValidationError || e instanceof SystemError
          ? e
          : new SystemError({
              code: "read_failed",
              message: `Reading the DBC input failed: ${isCtsError(e) ? e.message : String(e)}`,
              suggestedAction: "Check that the DBC file is readable and retry."
            })
    })
    return yield* parseDbc(text)
  })
