import { ValidationError } from "../../errors.js"
import { detectCompression } from "../../log/compression.js"
import type { ResolvedInput } from "../define-tool.js"

/** What an input's first bytes say it is. */
export type SniffedKind = "rlog-zstd" | "rlog-bz2" | "can-csv" | "dbc" | "text" | "binary" | "empty"

/** Bytes looked at to tell what a file is. */
export const KIND_SNIFF_BYTES = 4096

/**
 * Reads from `it` until `bytes` bytes are in or it ends: the chunks read (whole), whether the source
 * ended, and its first `bytes` bytes. The caller decides whether to go on reading or to abandon it.
 */
export const readHeadOf = async (
  it: AsyncIterator<Uint8Array>,
  bytes = KIND_SNIFF_BYTES
): Promise<{ readonly chunks: ReadonlyArray<Uint8Array>; readonly ended: boolean; readonly head: Uint8Array }> => {
  const chunks: Array<Uint8Array> = []
  let n = 0
  let ended = false
  while (n < bytes) {
    const r = await it.next()
    if (r.done) {
      ended = true
      break
    }
    chunks.push(r.value)
    n += r.value.byteLength
  }
  return { chunks, ended, head: Buffer.concat(chunks).subarray(0, bytes) }
}

/** Reads up to the first 4 KiB of an input (opens and abandons a stream). */
export const readHead = async (input: ResolvedInput): Promise<Uint8Array> => {
  const it = input.open()[Symbol.asyncIterator]()
  try {
    return (await readHeadOf(it)).head
  } finally {
    await it.return?.()
  }
}

const looksLikeText = (head: Uint8Array): boolean => {
  let printable = 0
  for (const b of head) if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 128) printable++
  return head.length > 0 && printable / head.length > 0.97 && !head.includes(0)
}

/** Classifies bytes by magic numbers and, for text, by its first meaningful line. */
export const classifyHead = (head: Uint8Array): SniffedKind => {
  if (head.length === 0) return "empty"
  const compression = detectCompression(head)
  if (compression === "zstd") return "rlog-zstd"
  if (compression === "bz2") return "rlog-bz2"
  if (!looksLikeText(head)) return "binary"
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head).replace(/^\uFEFF/, "")
  if (/^\s*(VERSION\s+"|NS_\s*:|BU_\s*:|BO_\s+\d+)/m.test(text) && /\bBO_\s+\d+/.test(text)) return "dbc"
  const firstLine = text.split(/\r?\n/).find(l => l.trim() !== "" && !l.trimStart().startsWith("#")) ?? ""
  const cols = firstLine
    .toLowerCase()
    .split(",")
    .map(c => c.trim())
  if ((cols.includes("timestamp") && cols.includes("data_hex")) || (cols.includes("time") && cols.includes("addr"))) return "can-csv"
  return "text"
}

/** Sniffs an input's kind from its first bytes. */
export const sniffInput = async (input: ResolvedInput): Promise<SniffedKind> => classifyHead(await readHead(input))

const describe: Record<SniffedKind, string> = {
  "rlog-zstd": "a zstd-compressed log",
  "rlog-bz2": "a bz2-compressed log",
  "can-csv": "a CAN CSV",
  dbc: "a DBC file",
  text: "a text file",
  binary: "a binary file",
  empty: "an empty file"
}

/** True when the kind can be an rlog (compressed, or raw Cap'n Proto which sniffs as binary). */
export const isLogKind = (kind: SniffedKind): boolean => kind === "rlog-zstd" || kind === "rlog-bz2" || kind === "binary"

/** A ValidationError for an input of the wrong type. */
export const wrongInputType = (toolId: string, input: ResolvedInput, kind: SniffedKind, expected: string) =>
  new ValidationError({
    code: "wrong_input_type",
    message: `${toolId} expects ${expected}, but input "${input.name}" looks like ${describe[kind]}.`,
    suggestedAction: `Pass ${expected}.`,
    details: { input: input.name, detected: kind }
  })
