import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { SystemError } from "../errors.js"
import { builtEntryUrl } from "../util/built-entry-url.js"

/**
 * URL of the built worker entry (`dist/worker.js`). From the bundled package it sits beside the
 * calling chunk; from the TypeScript sources (tests, development) it is the repository's build output.
 */
export const workerUrl = (): URL => builtEntryUrl("worker.js")

let checked: URL | null = null

/** The worker URL, or a SystemError when the worker entry has not been built. */
export const requireWorkerUrl = (): URL => {
  if (checked) return checked
  const url = workerUrl()
  if (!existsSync(fileURLToPath(url))) {
    throw new SystemError({
      code: "worker_missing",
      message: `The tool worker entry ${fileURLToPath(url)} does not exist`,
      suggestedAction: "Build the package (npm run build) before running tools"
    })
  }
  checked = url
  return url
}
