/** A one-line progress bar redrawn in place on a terminal. */
export interface ProgressBar {
  readonly update: (fraction: number, note?: string) => void
  /** Prints a line above the bar without garbling it. */
  readonly interject: (text: string) => void
  /** Removes the bar. */
  readonly stop: () => void
}

const noop: ProgressBar = { update: () => {}, interject: text => process.stderr.write(text + "\n"), stop: () => {} }

/** A bar on `stream` when it is a terminal; otherwise one that draws nothing. */
export const createProgressBar = (label: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar => {
  if (stream.isTTY !== true) return noop
  let last = ""
  let drawn = false
  let fraction = 0
  let note = ""
  let lastDraw = 0
  const draw = (force: boolean): void => {
    const now = Date.now()
    if (!force && now - lastDraw < 80) return
    lastDraw = now
    const columns = stream.columns || 80
    const width = Math.max(10, Math.min(30, columns - label.length - 30))
    const filled = Math.round(fraction * width)
    const pct = `${Math.floor(fraction * 100)}`.padStart(3)
    let text = `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${pct}%${note ? ` ${note}` : ""}`
    if (text.length > columns - 1) text = text.slice(0, columns - 1)
    if (text === last && drawn) return
    last = text
    drawn = true
    stream.write(`\r\u001B[2K${text}`)
  }
  const clear = (): void => {
    if (drawn) stream.write("\r\u001B[2K")
    drawn = false
  }
  return {
    update: (f, n) => {
      fraction = Math.min(1, Math.max(0, Number.isFinite(f) ? f : 0))
      note = n ?? note
      draw(fraction >= 1)
    },
    interject: text => {
      clear()
      stream.write(text + "\n")
      draw(true)
    },
    stop: clear
  }
}
