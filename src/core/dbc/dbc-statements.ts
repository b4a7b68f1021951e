import type { DbcScanner } from "./dbc-scanner.js"
import type { ByteOrder, SignalValueType } from "./dbc-types.js"

export interface SignalDraft {
  name: string
  startBit: number
  length: number
  byteOrder: ByteOrder
  signed: boolean
  valueType: SignalValueType
  factor: number
  offset: number
  min: number
  max: number
  unit: string
  receivers: string[]
  isMultiplexor: boolean
  multiplexValue: number | undefined
  valueNames: Map<number, string>
  comment: string | undefined
  pos: number
}

export interface MessageDraft {
  address: number
  extended: boolean
  name: string
  size: number
  transmitter: string
  signals: SignalDraft[]
  comment: string | undefined
  pos: number
}

export interface DbcDraft {
  version: string
  nodes: Array<{ name: string; comment: string | undefined }>
  messages: MessageDraft[]
  /** By raw DBC id (with the extended flag), as CM_ / VAL_ / SIG_VALTYPE_ refer to them. */
  byId: Map<number, MessageDraft>
  comments: string[]
  warnings: string[]
  /** 1-based line of a text offset. */
  lineAt: (pos: number) => number
}

const MAX_ID = 0xffffffff
const EXTENDED_FLAG = 0x80000000
/** Vector's pseudo message that holds signals not assigned to any message. */
export const INDEPENDENT_SIGNALS_MESSAGE = "VECTOR__INDEPENDENT_SIG_MSG"

/** `NS_ :` followed by indented symbol names; ends at the first name in column 0 or at `BS_`. */
export const parseNewSymbols = (s: DbcScanner): void => {
  s.expect(":", "':' after NS_")
  for (;;) {
    const save = s.pos
    s.skipSpace()
    const id = s.eof() || s.atColumnZero() ? undefined : s.peekIdent()
    if (id === undefined || id === "BS_" || id === "BU_" || id === "BO_") {
      s.pos = save
      return
    }
    s.tryIdent()
  }
}

/** `BU_: node node …` on one line. */
export const parseNodes = (s: DbcScanner, draft: DbcDraft): void => {
  s.expect(":", "':' after BU_")
  while (!s.atLineEnd()) {
    const name = s.tryIdent() ?? s.fail("expected a node name")
    draft.nodes.push({ name, comment: undefined })
  }
}

/** `BO_ <id> <name>: <size> <transmitter>`. */
export const parseMessage = (s: DbcScanner, pos: number): MessageDraft => {
  const id = s.uint("message id", MAX_ID)
  const name = s.ident("message name")
  s.expect(":", "':' after the message name")
  const size = s.uint("message size in bytes", 64)
  const transmitter = s.atLineEnd() ? "" : (s.tryIdent() ?? s.fail("expected the transmitting node"))
  if (!s.atLineEnd()) s.fail("unexpected text after the message definition")
  const extended = id >= EXTENDED_FLAG
  const address = extended ? id - EXTENDED_FLAG : id
  if (name !== INDEPENDENT_SIGNALS_MESSAGE && address > 0x1fffffff) s.fail(`message id ${id} is not a CAN identifier`, pos)
  return { address, extended, name, size, transmitter, signals: [], comment: undefined, pos }
}

const parseMultiplexTag = (s: DbcScanner, signal: Pick<SignalDraft, "isMultiplexor" | "multiplexValue">) => {
  s.skipInlineSpace()
  if (s.peekChar() === ":") return
  const tag = s.tryIdent() ?? s.fail("expected ':' or a multiplexer tag (M or m<n>)")
  const m = /^(?:(M)|m(\d+)(M?))$/.exec(tag)
  if (!m) s.fail(`bad multiplexer tag '${tag}' (expected M, m<n> or m<n>M)`)
  signal.isMultiplexor = m[1] === "M" || m[3] === "M"
  if (m[2] !== undefined) signal.multiplexValue = Number(m[2])
}

/** ` SG_ <name> [M|m<n>] : <start>|<length>@<order><sign> (<factor>,<offset>) [<min>|<max>] "<unit>" <receivers>`. */
export const parseSignal = (s: DbcScanner, pos: number): SignalDraft => {
  const signal: SignalDraft = {
    name: s.ident("signal name"),
    startBit: 0,
    length: 0,
    byteOrder: "intel",
    signed: false,
    valueType: "integer",
    factor: 1,
    offset: 0,
    min: 0,
    max: 0,
    unit: "",
    receivers: [],
    isMultiplexor: false,
    multiplexValue: undefined,
    valueNames: new Map(),
    comment: undefined,
    pos
  }
  parseMultiplexTag(s, signal)
  s.expect(":", "':' after the signal name")
  signal.startBit = s.uint("start bit", 511)
  s.expect("|", "'|' between start bit and length")
  signal.length = s.uint("signal length", 64)
  if (signal.length === 0) s.fail("signal length must be at least 1")
  s.expect("@", "'@' before the byte order")
  const order = s.peekChar()
  if (order !== "0" && order !== "1") s.fail("byte order must be @0 (Motorola) or @1 (Intel)")
  s.pos++
  signal.byteOrder = order === "1" ? "intel" : "motorola"
  const sign = s.peekChar()
  if (sign !== "+" && sign !== "-") s.fail("expected + (unsigned) or - (signed) after the byte order")
  s.pos++
  signal.signed = sign === "-"
  s.expect("(", "'(' before factor,offset")
  signal.factor = s.number("factor")
  s.expect(",", "',' between factor and offset")
  signal.offset = s.number("offset")
  s.expect(")", "')' after the offset")
  if (signal.factor === 0) s.fail("factor must not be 0")
  s.expect("[", "'[' before min|max")
  signal.min = s.number("minimum")
  s.expect("|", "'|' between minimum and maximum")
  signal.max = s.number("maximum")
  s.expect("]", "']' after the maximum")
  signal.unit = s.string("unit")
  while (!s.atLineEnd()) {
    if (s.tryChar(",")) continue
    signal.receivers.push(s.tryIdent() ?? s.fail("expected a receiving node name"))
  }
  return signal
}

/**
 * Ends a CM_ / VAL_ / SIG_VALTYPE_ statement at its `;`. A missing `;` is tolerated (with a warning)
 * when the next statement starts on a new line, as opendbc's own files sometimes have it.
 */
const endStatement = (s: DbcScanner, draft: DbcDraft, what: string, pos: number): void => {
  s.skipSpace()
  if (s.peekChar() === ";") {
    s.pos++
    return
  }
  if (s.eof() || (s.atColumnZero() && s.peekIdent() !== undefined)) {
    draft.warnings.push(`line ${draft.lineAt(pos)}: ${what} has no closing ';'`)
    return
  }
  s.fail(`expected ';' to end ${what}`)
}

const signalOf = (s: DbcScanner, draft: DbcDraft, pos: number, what: string): SignalDraft | undefined => {
  const id = s.uint("message id", MAX_ID)
  const name = s.ident("signal name")
  const signal = draft.byId.get(id)?.signals.find(sig => sig.name === name)
  if (!signal) draft.warnings.push(`line ${draft.lineAt(pos)}: ${what} names unknown signal ${id} ${name}; ignored`)
  return signal
}

/** `CM_ "…";`, `CM_ BU_ n "…";`, `CM_ BO_ id "…";`, `CM_ SG_ id name "…";`, `CM_ EV_ n "…";`. */
export const parseComment = (s: DbcScanner, draft: DbcDraft, pos: number): void => {
  s.skipSpace()
  if (s.peekChar() === '"') {
    draft.comments.push(s.string("comment"))
  } else {
    const kind = s.ident("comment target (BU_, BO_, SG_, EV_ or a string)")
    if (kind === "BU_" || kind === "EV_") {
      const name = s.ident("node name")
      const text = s.string("comment")
      const node = kind === "BU_" ? draft.nodes.find(n => n.name === name) : undefined
      if (node) node.comment = text
      else if (kind === "BU_") draft.warnings.push(`line ${draft.lineAt(pos)}: CM_ BU_ names unknown node ${name}; ignored`)
    } else if (kind === "BO_") {
      const id = s.uint("message id", MAX_ID)
      const text = s.string("comment")
      const message = draft.byId.get(id)
      if (message) message.comment = text
      else draft.warnings.push(`line ${draft.lineAt(pos)}: CM_ BO_ names unknown message ${id}; ignored`)
    } else if (kind === "SG_") {
      const signal = signalOf(s, draft, pos, "CM_ SG_")
      const text = s.string("comment")
      if (signal) signal.comment = text
    } else s.fail(`unknown comment target '${kind}' (expected BU_, BO_, SG_ or EV_)`, pos)
  }
  endStatement(s, draft, "CM_", pos)
}

/** `VAL_ <id> <signal> <value> "<name>" … ;` (value tables of environment variables are skipped). */
export const parseValues = (s: DbcScanner, draft: DbcDraft, pos: number): void => {
  s.skipSpace()
  if (!/[0-9]/.test(s.peekChar())) return s.skipStatement(pos)
  const signal = signalOf(s, draft, pos, "VAL_")
  for (;;) {
    s.skipSpace()
    const c = s.peekChar()
    if (c !== "-" && c !== "+" && c !== "." && !(c >= "0" && c <= "9")) break
    const value = s.number("a value")
    const name = s.string("value name")
    signal?.valueNames.set(value, name)
  }
  endStatement(s, draft, "VAL_", pos)
}

/** `SIG_VALTYPE_ <id> <signal> : <0|1|2> ;`. */
export const parseValueType = (s: DbcScanner, draft: DbcDraft, pos: number): void => {
  const signal = signalOf(s, draft, pos, "SIG_VALTYPE_")
  s.tryChar(":")
  const kind = s.uint("value type (0 integer, 1 float, 2 double)", 2)
  endStatement(s, draft, "SIG_VALTYPE_", pos)
  if (!signal) return
  const types: SignalValueType[] = ["integer", "float32", "float64"]
  const needed = [signal.length, 32, 64][kind]
  if (signal.length !== needed) s.fail(`${signal.name} is ${signal.length} bits; a ${types[kind]} needs ${needed}`, pos)
  signal.valueType = types[kind]
}
