import { writeFileSync } from "node:fs"
import path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { runTool } from "../../src/adapters/sdk/run-tool.js"
import { resolveConfig } from "../../src/core/config-defaults.js"
import { ValidationError } from "../../src/core/errors.js"
import type { RunEvent } from "../../src/core/run-events/log-stream.js"
import { tempDir } from "../core/helpers.js"
import { bz2ZerosBomb, zstdRleFrame } from "../log/bomb-builders.js"
import { concat } from "../log/capnp-builder.js"
import { canEvent } from "../log/hostile-builders.js"

const tmp = tempDir("reader-limits")
const config = { dataDir: path.join(tmp.dir, "data") }
afterAll(() => tmp.cleanup())

const file = (name: string, bytes: Uint8Array) => {
  const p = path.join(tmp.dir, name)
  writeFileSync(p, bytes)
  return p
}

/** 100 good `can` events of two 8-byte frames each: the real part ahead of a flood. */
const goodHead = () =>
  concat(
    ...Array.from({ length: 100 }, (_, i) =>
      canEvent(1_000 + i, [
        { address: 0x100, src: 0, data: [1, 2, 3, 4, 5, 6, 7, 8] },
        { address: 0x200, src: 1, data: [i] }
      ])
    )
  )

describe("rlog-to-csv through the SDK ends bombs with a typed error", () => {
  for (const [name, bytes] of [
    ["zeros-1gib.rlog.zst", () => zstdRleFrame(1 << 30)],
    ["zeros-2gb.rlog.bz2", () => bz2ZerosBomb(100)]
  ] as const) {
    it(`${name}: failed, not_a_log, at message 31`, async () => {
      const result = await runTool("rlog-to-csv", { input: file(name, bytes()), config })
      expect(result.status).toBe("failed")
      expect(result.error).toMatchObject({ category: "tool_error", code: "not_a_log" })
      expect(result.error!.message).toContain("at byte 248 (message 31)")
    })
  }

  it("a good log followed by 1 GiB of zstd zeros: failed with decompression_ratio_exceeded", async () => {
    const result = await runTool("rlog-to-csv", { input: file("flood.rlog.zst", zstdRleFrame(1 << 30, 0, goodHead())), config })
    expect(result.status).toBe("failed")
    expect(result.error).toMatchObject({ code: "decompression_ratio_exceeded" })
    expect(result.error!.suggestedAction).toContain("maxDecompressionRatio")
  })

  it("an 8 MiB flood under the 16 MiB grace is read, counted and warned about in the log and summary; config.logReadLimits reaches the worker", async () => {
    const logs: Array<Extract<RunEvent, { type: "log" }>> = []
    const input = file("flood-8mib.rlog.zst", zstdRleFrame(8 << 20, 0, goodHead()))
    const result = await runTool("rlog-to-csv", { input, config, onLog: e => logs.push(e) })
    expect(result.status).toBe("completed")
    expect(result.summary).toMatchObject({ frames_written: 200, events: 100, malformed_events: (8 << 20) / 8, warnings: ["malformed_event"] })
    expect(logs.some(l => l.level === "warn" && l.message.includes(`${(8 << 20) / 8} consecutive events`))).toBe(true)
    const strict = await runTool("rlog-to-csv", { input, config: { ...config, logReadLimits: { ratioGraceBytes: 1 << 20 } } })
    expect(strict.status).toBe("failed")
    expect(strict.error).toMatchObject({ code: "decompression_ratio_exceeded" })
  })

  it("an oversized dat never reaches the CSV: dropped and warned about", async () => {
    const big = Array.from({ length: 4096 }, () => 0xab)
    const input = file(
      "oversized.rlog",
      concat(
        goodHead(),
        canEvent(5_000, [
          { address: 0x300, src: 0, data: big },
          { address: 0x301, src: 0, data: [1] }
        ])
      )
    )
    const result = await runTool("rlog-to-csv", { input, config, outDir: path.join(tmp.dir, "out-oversized") })
    expect(result.status).toBe("completed")
    expect(result.summary).toMatchObject({ frames_written: 201, oversized_can_frames: 1, warnings: ["oversized_can_frame"] })
  })
})

describe("reader limits from CTS_LOG_* variables", () => {
  const env = { CTS_DATA_DIR: path.join(tmp.dir, "env"), CTS_SIGNING_KEY: "k".repeat(40) }
  it("sets config.logReadLimits; explicit values win; a bad value is invalid_config", () => {
    expect(resolveConfig({}, { ...env, CTS_LOG_MAX_DECOMPRESSION_RATIO: "20", CTS_LOG_TRAVERSAL_LIMIT_WORDS: "1000" }).logReadLimits).toEqual({
      maxDecompressionRatio: 20,
      traversalLimitWords: 1000
    })
    expect(resolveConfig({ logReadLimits: { maxDecompressionRatio: 5 } }, { ...env, CTS_LOG_MAX_DECOMPRESSION_RATIO: "20" }).logReadLimits).toEqual({
      maxDecompressionRatio: 5
    })
    expect(resolveConfig({}, { ...env, CTS_LOG_MAX_LEADING_MALFORMED: "Infinity" }).logReadLimits).toEqual({ maxLeadingMalformed: Infinity })
    expect(() => resolveConfig({}, { ...env, CTS_LOG_MAX_CAN_PAYLOAD_BYTES: "-1" })).toThrow(ValidationError)
  })
})
