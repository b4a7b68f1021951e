/** A syntax error at a text offset; parseDbc turns it into a ValidationError with the line. */
export class DbcSyntaxError {
  constructor(
    readonly reason: string,
    readonly pos: number
  ) {}
}

const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
const isIdentPart = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57)
const isInlineSpace = (c: number) => c === 32 || c === 9 || c === 13 || c === 11 || c === 12
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y

/** Character cursor over DBC text with the small reads the grammar needs. */
export class DbcScanner {
  pos = 0
  constructor(readonly text: string) {}

  eof(): boolean {
    return this.pos >= this.text.length
  }

  fail(reason: string, pos = this.pos): never {
    throw new DbcSyntaxError(reason, pos)
  }

  /** Skips spaces and line breaks. */
  skipSpace(): void {
    const t = this.text
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos)
      if (isInlineSpace(c) || c === 10) this.pos++
      else break
    }
  }

  /** Skips spaces and tabs, not line breaks. */
  skipInlineSpace(): void {
    while (this.pos < this.text.length && isInlineSpace(this.text.charCodeAt(this.pos))) this.pos++
  }

  /** True at end of text or when only inline space remains before a line break. */
  atLineEnd(): boolean {
    this.skipInlineSpace()
    return this.eof() || this.text.charCodeAt(this.pos) === 10
  }

  /** True when `pos` is the first character of its line. */
  atColumnZero(): boolean {
    return this.pos === 0 || this.text.charCodeAt(this.pos - 1) === 10
  }

  peekChar(): string {
    return this.text[this.pos] ?? ""
  }

  peekIdent(): string | undefined {
    const start = this.pos
    const id = this.tryIdent()
    this.pos = start
    return id
  }

  tryIdent(): string | undefined {
    const t = this.text
    const start = this.pos
    if (start >= t.length || !isIdentStart(t.charCodeAt(start))) return undefined
    let end = start + 1
    while (end < t.length && isIdentPart(t.charCodeAt(end))) end++
    this.pos = end
    return t.slice(start, end)
  }

  ident(what: string): string {
    this.skipSpace()
    return this.tryIdent() ?? this.fail(`expected ${what}`)
  }

  tryChar(ch: string): boolean {
    this.skipInlineSpace()
    if (this.text[this.pos] === ch) {
      this.pos++
      return true
    }
    return false
  }

  expect(ch: string, what = `'${ch}'`): void {
    this.skipSpace()
    if (this.text[this.pos] !== ch) this.fail(`expected ${what}`)
    this.pos++
  }

  tryNumber(): number | undefined {
    NUMBER.lastIndex = this.pos
    const m = NUMBER.exec(this.text)
    if (!m) return undefined
    const value = Number(m[0])
    if (!Number.isFinite(value)) this.fail(`number ${m[0]} is out of range`)
    this.pos += m[0].length
    return value
  }

  number(what: string): number {
    this.skipSpace()
    return this.tryNumber() ?? this.fail(`expected ${what} (a number)`)
  }

  /** A non-negative integer no larger than `max`. */
  uint(what: string, max: number): number {
    const start = (this.skipSpace(), this.pos)
    const n = this.tryNumber()
    if (n === undefined || !Number.isInteger(n) || n < 0 || n > max) this.fail(`expected ${what} (an integer 0–${max})`, start)
    return n
  }

  /** A double-quoted string; `\"` and `\\` are unescaped, other backslashes kept; may span lines. */
  string(what: string): string {
    this.skipSpace()
    const t = this.text
    const start = this.pos
    if (t[start] !== '"') this.fail(`expected ${what} (a quoted string)`)
    let out = ""
    let from = start + 1
    for (let i = from; i < t.length; i++) {
      const c = t.charCodeAt(i)
      if (c === 34) {
        this.pos = i + 1
        return out + t.slice(from, i)
      }
      if (c === 92 && (t[i + 1] === '"' || t[i + 1] === "\\")) {
        out += t.slice(from, i) + t[i + 1]
        i++
        from = i + 1
      }
    }
    return this.fail(`${what} starts here but its closing quote is missing`, start)
  }

  /** Skips to just after the next `;` outside strings. */
  skipStatement(from: number): void {
    const t = this.text
    while (this.pos < t.length) {
      const c = t[this.pos]
      if (c === ";") {
        this.pos++
        return
      }
      if (c === '"') this.string("a string")
      else this.pos++
    }
    this.fail("statement is missing its closing ';'", from)
  }

  /** Skips the rest of the current line. */
  skipLine(): void {
    const nl = this.text.indexOf("\n", this.pos)
    this.pos = nl < 0 ? this.text.length : nl
  }
}
