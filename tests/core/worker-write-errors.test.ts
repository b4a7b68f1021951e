import { describe, expect, it } from "vitest"
import { SystemError } from "../../src/core/errors.js"
import { errorFromWire } from "../../src/core/executor/worker-context.js"
import { toWireError } from "../../src/core/executor/worker-protocol.js"
import { toCtsError } from "../../src/core/tools/shared/run-async.js"

describe("an artifact write refused by the store, inside a tool", () => {
  it("stays the typed error it was (system_error/disk_full), not an unexpected tool failure", () => {
    const refused = toWireError(
      new SystemError({
        code: "disk_full",
        message: "Writing an artifact: ENOSPC: no space left on device",
        suggestedAction: "Free disk space",
        details: { errno: "ENOSPC" }
      })
    )
    const thrown = errorFromWire(refused)
    const reported = toCtsError("rlog-to-csv", new AbortController().signal, thrown)
    expect(reported).toBeInstanceOf(SystemError)
    expect({ category: reported.category, code: reported.code, details: reported.details }).toEqual({
      category: "system_error",
      code: "disk_full",
      details: { errno: "ENOSPC" }
    })
    expect(toWireError(reported)).toEqual(refused)
  })
})
