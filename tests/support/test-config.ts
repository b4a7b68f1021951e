import { Layer } from "effect"
import { CtsConfig } from "../../src/core/config.js"

/** A CtsConfig for core tests that build layers by hand: one data dir, no input roots, one run at a time. */
export const testConfigLayer = (dataDir: string): Layer.Layer<CtsConfig> =>
  Layer.succeed(CtsConfig, { dataDir, inputRoots: null, concurrency: 1, defaultTimeoutMs: 1000, signingKey: "k".repeat(32), retentionDays: null })
