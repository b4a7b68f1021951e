import * as Either from "effect/Either"
import { ValidationError } from "../errors.js"
import { buildBitPlan, layoutBits } from "./dbc-bits.js"
import { DbcScanner, DbcSyntaxError } from "./dbc-scanner.js"
import {
  INDEPENDENT_SIGNALS_MESSAGE,
  parseComment,
  parseMessage,
  parseNewSymbols,
  parseNodes,
  parseSignal,
  parseValues,
  parseValueType,
  type DbcDraft,
  type MessageDraft
} from "./dbc-statements.js"
import type { Dbc, DbcMessage, DbcSignal } from "./dbc-types.js"

/** Statements cts-lite does not use; they are skipped up to their `;`. */
const SKIPPED = new Set([
  "BA_DEF_",
  "BA_",
  "BA_DEF_DEF_",
  "BA_DEF_REL_",
  "BA_REL_",
  "BA_DEF_DEF_REL_",
  "BA_DEF_SGTYPE_",
  "BA_SGTYPE_",
  "VAL_TABLE_",
  "BO_TX_BU_",
  "SIG_GROUP_",
  "EV_",
  "ENVVAR_DATA_",
  "SGTYPE_",
  "SGTYPE_VAL_",
  "SIG_TYPE_REF_",
  "SIGTYPE_VALTYPE_",
  "BU_SG_REL_",
  "BU_EV_REL_",
  "BU_BO_REL_",
  "SG_MUL_VAL_",
  "CAT_DEF_",
  "CAT_",
  "FILTER",
  "NS_DESC_",
  "EV_DATA_"
])

/** 1-based line number of a text offset, by binary search over line starts. */
const createLineIndex = (text: string): ((pos: number) => number) => {
  const starts = [0]
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1)
  return pos => {
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid] <= pos) lo = mid
      else hi = mid - 1
    }
    return lo + 1
  }
}

const lineText = (text: string, pos: number): string => {
  const start = text.lastIndexOf("\n", Math.max(0, pos - 1)) + 1
  const nl = text.indexOf("\n", start)
  const line = text.slice(start, nl < 0 ? text.length : nl).trim()
  return line.length > 120 ? line.slice(0, 117) + "..." : line
}

const parseStatements = (s: DbcScanner, draft: DbcDraft): void => {
  let current: MessageDraft | undefined
  for (s.skipSpace(); !s.eof(); s.skipSpace()) {
    const pos = s.pos
    const keyword = s.tryIdent() ?? s.fail("expected a DBC keyword such as BO_, SG_, CM_ or VAL_")
    if (keyword === "SG_") {
      if (!current) s.fail("SG_ outside a message (no BO_ before it)", pos)
      current.signals.push(parseSignal(s, pos))
      continue
    }
    current = undefined
    if (keyword === "VERSION") draft.version = s.string("version")
    else if (keyword === "NS_") parseNewSymbols(s)
    else if (keyword === "BS_") {
      s.expect(":", "':' after BS_")
      s.skipLine()
    } else if (keyword === "BU_") parseNodes(s, draft)
    else if (keyword === "BO_") {
      current = parseMessage(s, pos)
      if (current.name !== INDEPENDENT_SIGNALS_MESSAGE) {
        const id = current.address + (current.extended ? 0x80000000 : 0)
        if (draft.byId.has(id)) s.fail(`message id ${id} is defined twice`, pos)
        if (draft.messages.some(m => m.name === current?.name)) s.fail(`message name ${current.name} is defined twice`, pos)
        draft.byId.set(id, current)
        draft.messages.push(current)
      }
    } else if (keyword === "CM_") parseComment(s, draft, pos)
    else if (keyword === "VAL_") parseValues(s, draft, pos)
    else if (keyword === "SIG_VALTYPE_") parseValueType(s, draft, pos)
    else if (SKIPPED.has(keyword)) s.skipStatement(pos)
    else s.fail(`unknown keyword '${keyword}'`, pos)
  }
}

const checkMessage = (s: DbcScanner, m: MessageDraft): void => {
  const names = new Set<string>()
  const muxes = m.signals.filter(sig => sig.isMultiplexor && sig.multiplexValue === undefined)
  if (muxes.length > 1) s.fail(`message ${m.name} has more than one multiplexor (M)`, muxes[1].pos)
  for (const sig of m.signals) {
    if (names.has(sig.name)) s.fail(`signal ${sig.name} appears twice in message ${m.name}`, sig.pos)
    names.add(sig.name)
    if (sig.multiplexValue !== undefined && muxes.length === 0) {
      s.fail(`signal ${sig.name} is multiplexed (m${sig.multiplexValue}) but ${m.name} has no multiplexor (M)`, sig.pos)
    }
    const bits = layoutBits(sig.startBit, sig.length, sig.byteOrder)
    const bad = bits.find(b => b < 0 || b >= m.size * 8)
    if (bad !== undefined) {
      s.fail(`signal ${sig.name} reaches bit ${bad}, outside the ${m.size}-byte message ${m.name}`, sig.pos)
    }
  }
}

const finish = (draft: DbcDraft): Dbc => {
  const messages: DbcMessage[] = draft.messages.map(m => {
    const signals: DbcSignal[] = m.signals.map(sig => {
      const bits = layoutBits(sig.startBit, sig.length, sig.byteOrder)
      const { pos, ...rest } = sig
      return { ...rest, bits, plan: buildBitPlan(bits), line: draft.lineAt(pos) }
    })
    return {
      address: m.address,
      extended: m.extended,
      name: m.name,
      size: m.size,
      transmitter: m.transmitter,
      signals,
      signalsByName: new Map(signals.map(sig => [sig.name, sig])),
      multiplexor: signals.find(sig => sig.isMultiplexor && sig.multiplexValue === undefined),
      comment: m.comment,
      line: draft.lineAt(m.pos)
    }
  })
  return {
    version: draft.version,
    nodes: draft.nodes,
    messages,
    messagesByAddress: new Map(messages.map(m => [m.address, m])),
    messagesByName: new Map(messages.map(m => [m.name, m])),
    comments: draft.comments,
    warnings: draft.warnings
  }
}

/**
 * Parses DBC text (opendbc and Vector files): VERSION, NS_, BS_, BU_, BO_, SG_ (multiplexed M /
 * m<n>), CM_ (multi-line strings), VAL_, SIG_VALTYPE_; attribute and other statements are skipped.
 * Never throws: a malformed file gives a `dbc_parse_error` ValidationError with the line number
 * and the offending line's text.
 */
export const parseDbc = (text: string): Either.Either<Dbc, ValidationError> => {
  const s = new DbcScanner(text)
  const lineAt = createLineIndex(text)
  const draft: DbcDraft = { version: "", nodes: [], messages: [], byId: new Map(), comments: [], warnings: [], lineAt }
  try {
    parseStatements(s, draft)
    if (s.text.trim().length === 0) s.fail("the file is empty")
    for (const m of draft.messages) checkMessage(s, m)
    return Either.right(finish(draft))
  } catch (e) {
    if (!(e instanceof DbcSyntaxError)) throw e
    const line = lineAt(e.pos)
    const near = lineText(text, e.pos)
    return Either.left(
      new ValidationError({
        code: "dbc_parse_error",
        message: `DBC line ${line}: ${e.reason}. Near: "${near}"`,
        suggestedAction: `Fix line ${line} of the DBC file, or use one of the bundled opendbc files.`,
        details: { line, text: near, reason: e.reason }
      })
    )
  }
}

/** Text of DBC file bytes: UTF-8 when valid, otherwise Windows-1252 (Vector's usual encoding). */
export const decodeDbcBytes = (bytes: Uint8Array): string => {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes)
  } catch {
    return new TextDecoder("windows-1252").decode(bytes)
  }
}
