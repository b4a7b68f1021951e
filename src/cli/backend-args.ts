/** The storage flags `cts serve` and `cts worker` share (servers and workers of one deployment use the same values). */
export const backendArgs = {
  store: { type: "string", description: "Run store: sqlite (default) or postgres://user@host:port/db (CTS_STORE)", valueHint: "URL" },
  artifacts: {
    type: "string",
    description: "Artifact bytes: local (default) or s3://bucket/prefix (CTS_ARTIFACTS; endpoint and keys: CTS_S3_*)",
    valueHint: "URL"
  },
  queue: {
    type: "string",
    description: "Run queue: memory (default, runs execute in the server) or redis://host:port (runs execute on `cts worker` nodes; CTS_QUEUE)",
    valueHint: "URL"
  }
} as const

/** The storage flags as given (raw text, checked with the settings they stand for). */
export const backendsOf = (args: { readonly store?: string | undefined; readonly artifacts?: string | undefined; readonly queue?: string | undefined }) => ({
  store: args.store,
  artifacts: args.artifacts,
  queue: args.queue
})
