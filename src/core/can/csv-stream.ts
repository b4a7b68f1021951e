import { Stream } from "effect"
import { isCtsError, SystemError, type CtsError } from "../errors.js"
import type { TextSource } from "./csv-lines.js"
import { readCanCsv, type CsvFrame, type ReadCanCsvOptions } from "./csv-reader.js"

/**
 * readCanCsv as an Effect Stream of batches. Bad CSV fails with a ValidationError; an error thrown
 * by the source passes through when it is a CtsError and becomes a SystemError (`read_failed`) otherwise.
 */
export const canCsvStream = (source: TextSource, options: ReadCanCsvOptions = {}): Stream.Stream<CsvFrame[], CtsError> =>
  Stream.fromAsyncIterable(readCanCsv(source, options), e =>
    isCtsError(e)
      ? e
      : new SystemError({
          code: "read_failed",
          message: `Reading the CSV input failed: ${e instanceof Error ? e.message : String(e)}`,
          suggestedAction: "Check that the input file is readable and retry."
        })
  )
