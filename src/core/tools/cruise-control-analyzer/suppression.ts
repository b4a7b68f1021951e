import type { ChecksumCounterDetector } from "../../can/checksum-counter-detector.js"
import { dbcHousekeepingBits } from "../../dbc/dbc-checksum-counter.js"
import type { Dbc } from "../../dbc/dbc-types.js"

/** Why a bit is never ranked. */
export type SuppressionReason = "dbc_checksum" | "dbc_counter" | "detected_checksum" | "detected_counter" | "marker"

/**
 * The bits candidates never include, per (bus, address): CHECKSUM / COUNTER signals of the DBC
 * message at that address, checksum bytes and counter fields the detector found in the stream
 * itself (for addresses the DBC does not know, or knows wrongly), and the marker's own bits.
 */
export const buildSuppression = (dbc: Dbc, detector: ChecksumCounterDetector, markerBits: ReadonlyArray<{ bus: number; address: number; bit: number }>) => {
  const table = new Map<string, SuppressionReason>()
  const key = (bus: number, address: number, bit: number) => `${bus}:${address}:${bit}`
  const add = (bus: number, address: number, bit: number, why: SuppressionReason) => {
    if (!table.has(key(bus, address, bit))) table.set(key(bus, address, bit), why)
  }
  const housekeeping = dbcHousekeepingBits(dbc)
  for (const r of detector.reports()) {
    const declared = housekeeping.get(r.address)
    for (const bit of declared?.checksumBits ?? []) add(r.bus, r.address, bit, "dbc_checksum")
    for (const bit of declared?.counterBits ?? []) add(r.bus, r.address, bit, "dbc_counter")
    for (const bit of r.checksumBits) add(r.bus, r.address, bit, "detected_checksum")
    for (const bit of r.counterBits) add(r.bus, r.address, bit, "detected_counter")
  }
  for (const m of markerBits) add(m.bus, m.address, m.bit, "marker")
  const counts: Record<SuppressionReason, number> = {
    dbc_checksum: 0,
    dbc_counter: 0,
    detected_checksum: 0,
    detected_counter: 0,
    marker: 0
  }
  for (const why of table.values()) counts[why]++
  return {
    isSuppressed: (bus: number, address: number, bit: number): boolean => table.has(key(bus, address, bit)),
    reason: (bus: number, address: number, bit: number): SuppressionReason | undefined => table.get(key(bus, address, bit)),
    counts
  }
}

/** The never-ranked bits (see buildSuppression). */
export type Suppression = ReturnType<typeof buildSuppression>
