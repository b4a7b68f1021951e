import { describe, expect, it } from "vitest"
import { encodeCanEvent } from "../../src/core/log/can-event-writer.js"
import { openLog } from "../../src/core/log/open-log.js"
import { oracleFrames, oracleRows } from "../support/oracle.js"

async function* once(bytes: Uint8Array) {
  yield bytes
}

describe("can event writer", () => {
  it("the Subaru oracle's frames, re-encoded one event per timestamp, read back through our reader as the same oracle rows", async () => {
    const frames = oracleFrames("subaru_cruise_demo.frames.csv")
    const parts: Uint8Array[] = []
    for (let i = 0; i < frames.length; ) {
      let j = i
      while (j < frames.length && frames[j].timeNs === frames[i].timeNs) j++
      parts.push(
        encodeCanEvent(
          frames[i].timeNs,
          frames.slice(i, j).map(f => ({ address: f.address, src: f.bus, data: f.data }))
        )
      )
      i = j
    }
    const bytes = new Uint8Array(parts.reduce((s, p) => s + p.length, 0))
    let at = 0
    for (const p of parts) {
      bytes.set(p, at)
      at += p.length
    }
    const reader = openLog(once(bytes))
    const rows: string[] = []
    for await (const batch of reader.frames())
      for (const f of batch) rows.push(`${f.timeNs},${f.src},0x${f.address.toString(16).toUpperCase()},${Buffer.from(f.data).toString("hex").toUpperCase()}`)
    expect(rows).toEqual(oracleRows("subaru_cruise_demo.frames.csv"))
    expect(reader.stats.warnings).toEqual([])
  })

  it("carries empty, 29-bit and 64-byte payloads and an empty event", async () => {
    const bytes = new Uint8Array([
      ...encodeCanEvent(1_000, [
        { address: 0x18daf110, src: 2, data: new Uint8Array(64).fill(7) },
        { address: 0x7ff, src: 192, data: new Uint8Array(0) }
      ]),
      ...encodeCanEvent(2_000, [])
    ])
    const out = []
    for await (const batch of openLog(once(bytes)).frames()) out.push(...batch.map(f => [f.timeNs, f.src, f.address, f.data.length]))
    expect(out).toEqual([
      [1_000, 2, 0x18daf110, 64],
      [1_000, 192, 0x7ff, 0]
    ])
  })
})
