import type { HintWording } from "../../core/hints.js"

/** Hints in the HTTP API's vocabulary (body fields, endpoint paths), by error code. */
export const httpHints: HintWording = {
  timeout: "Submit again (POST /v1/runs) with a larger timeout_s in the body, or split the input.",
  run_not_found: "Check the run id; list yours with GET /v1/runs.",
  artifact_not_found: "Check the artifact id; list a run's artifacts with GET /v1/runs/{id}/artifacts.",
  upload_not_found: "Upload the file with POST /v1/uploads and use the id it returns.",
  invalid_input: 'Pass "input" as {"type": "path", "value": <path>} or {"type": "upload", "value": <id from POST /v1/uploads>}.',
  input_count_exceeded: "Split the inputs over several runs (the server's limit is CTS_MAX_INPUTS_PER_RUN).",
  input_bytes_exceeded: "Split the inputs over several runs (the server's limit is CTS_MAX_INPUT_BYTES_PER_RUN)."
}
