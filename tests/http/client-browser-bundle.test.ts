import path from "node:path"
import { build } from "esbuild"
import { describe, expect, it } from "vitest"
import { repoRoot } from "../support/shared-data.js"

describe("src/client in a browser bundle", () => {
  it("bundles for platform browser with no Node built-ins", async () => {
    const out = await build({
      entryPoints: [path.join(repoRoot, "src/client/http-client.ts")],
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      metafile: true,
      logLevel: "silent"
    })
    const inputs = Object.keys(out.metafile!.inputs)
    expect(
      inputs.every(file => file.startsWith("src/client/")),
      inputs.join(", ")
    ).toBe(true)
    expect(out.outputFiles[0]!.text).not.toMatch(/from\s*["']node:|require\(["']node:/)
  })
})
