import type { HintWording } from "../../core/hints.js"

/** Hints in the SDK's vocabulary (option names of `submit`, `runTool` and `createCts`), by error code. */
export const sdkHints: HintWording = {
  timeout: "Submit again with a larger timeoutMs, or split the input",
  run_not_found: "Check the run id; cts.list() lists your runs",
  artifact_not_found: "Check the artifact id; cts.artifacts(runId) lists a run's artifacts",
  invalid_input: 'Pass a path, or { type: "path", path } / { type: "artifact", id }',
  input_count_exceeded: "Split the inputs over several runs, or raise maxInputsPerRun in createCts (CTS_MAX_INPUTS_PER_RUN)",
  input_bytes_exceeded: "Split the inputs over several runs, or raise maxInputBytesPerRun in createCts (CTS_MAX_INPUT_BYTES_PER_RUN)"
}
