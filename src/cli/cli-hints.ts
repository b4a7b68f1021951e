import type { HintWording } from "../core/hints.js"

/** Hints in the CLI's vocabulary (commands and flags), by error code; applied to local and server errors alike. */
export const cliHints: HintWording = {
  timeout: "Run again with a larger --timeout SECONDS, or split the input.",
  run_not_found: "Check the run id; `cts runs list` lists your runs.",
  artifact_not_found: "Check the artifact id; `cts art list <run id>` lists a run's artifacts.",
  invalid_input: "Pass the input with --path FILE, --upload FILE or --artifact ID.",
  input_count_exceeded: "Split the inputs over several runs, or raise CTS_MAX_INPUTS_PER_RUN.",
  input_bytes_exceeded: "Split the inputs over several runs, or raise CTS_MAX_INPUT_BYTES_PER_RUN."
}
