import type { Dbc } from "../../dbc/dbc-types.js"
import type { AnalysisTable } from "../shared/analysis-artifacts.js"
import { BIT_COLUMN_NAMES, addressHex, bitColumns, createDbcBitNamer } from "../shared/bit-columns.js"
import { artifactLink, escapeHtml, htmlFacts, htmlPage, htmlTable } from "../shared/html.js"
import { roundTo } from "../shared/time-format.js"
import type { BitSimilarity } from "./bit-similarity.js"
import { msbBitPosition } from "../../can/bits.js"

/** Rows shown in the HTML (the CSV has them all). */
export const HTML_ROWS = 50

/** similar_bits table: every ranked bit with its mismatch shares. */
export const similarityTable = (bits: ReadonlyArray<BitSimilarity>, dbc: Dbc | undefined): AnalysisTable => {
  const name = createDbcBitNamer(dbc)
  return {
    name: "similar_bits",
    schemaVersion: "similar_bits.v1",
    columns: [
      "rank",
      ...BIT_COLUMN_NAMES,
      "bus",
      "samples",
      "samples_signal_true",
      "mismatch_share",
      "inverted_mismatch_share",
      "match",
      "best_mismatch_share",
      "toggles",
      "dbc_signal"
    ],
    rows: bits.map((b, i) => ({
      rank: i + 1,
      ...bitColumns(b.address, b.bit),
      bus: b.bus,
      samples: b.samples,
      samples_signal_true: b.samplesSignalTrue,
      mismatch_share: roundTo(b.mismatch, 6),
      inverted_mismatch_share: roundTo(b.invertedMismatch, 6),
      match: b.inverted ? "inverted" : "direct",
      best_mismatch_share: roundTo(b.best, 6),
      toggles: b.toggles,
      dbc_signal: name(b.address, b.bit)
    }))
  }
}

/** similar_bits.html: the top of the ranking, the definitions and a link to the full CSV. */
export const similarityReport = (
  bits: ReadonlyArray<BitSimilarity>,
  dbc: Dbc | undefined,
  rc: {
    readonly inputs: ReadonlyArray<{ readonly name: string; readonly size: number; readonly sha256: string }>
    readonly toolVersion: string
    readonly meta: Record<string, unknown>
  }
): string => {
  const name = createDbcBitNamer(dbc)
  const rows = bits
    .slice(0, HTML_ROWS)
    .map((b, i) => [
      i + 1,
      addressHex(b.address),
      b.bus,
      b.bit,
      msbBitPosition(b.bit),
      b.samples,
      `${roundTo(b.best * 100, 3)} %`,
      b.inverted ? "inverted" : "direct",
      b.toggles,
      name(b.address, b.bit)
    ])
  const facts: Array<readonly [string, unknown]> = [
    ...rc.inputs.map(i => ["input", `${i.name} (${i.size} bytes, sha256 ${i.sha256})`] as const),
    ["tool version", rc.toolVersion],
    ...Object.entries(rc.meta).map(([k, v]) => [k, typeof v === "number" ? roundTo(v, 6) : v] as const)
  ]
  const body = `<h1>Bits similar to ${escapeHtml(String(rc.meta.signal))}</h1>
${htmlFacts(facts)}
<p class="note">Mismatch = share of a stream's frames where the bit differs from the signal (inverted: from its negation); ranked by the smaller of the two. Bits that never change are left out.</p>
${htmlTable(["rank", "address", "bus", "bit (LSB)", "MSB label", "samples", "mismatch", "match", "toggles", "DBC signal"], rows)}
<p>${escapeHtml(`${bits.length} bits ranked; all are in `)}${artifactLink("similar_bits.csv")} ${artifactLink("similar_bits.json")}</p>`
  return htmlPage(`Bits similar to ${String(rc.meta.signal)} — ${rc.inputs.map(i => i.name).join(", ")}`, body)
}
