/** The cts-lite package version. */
export const VERSION = "0.1.0"
