import { ValidationError } from "../../errors.js"
import type { Dbc, DbcMessage, DbcSignal } from "../../dbc/dbc-types.js"

/** A message to decode and the signals kept from it, in DBC order. */
export interface SelectedMessage {
  readonly message: DbcMessage
  readonly signals: ReadonlyArray<DbcSignal>
}

const parseAddress = (text: string): number | undefined =>
  /^0x[0-9a-f]{1,8}$/i.test(text) ? parseInt(text.slice(2), 16) : /^\d{1,10}$/.test(text) ? Number(text) : undefined

const unknown = (what: string, names: ReadonlyArray<string>, known: ReadonlyArray<string>) =>
  new ValidationError({
    code: "unknown_dbc_name",
    message: `Unknown ${what}: ${names.join(", ")}. The DBC has: ${known.slice(0, 40).join(", ")}${known.length > 40 ? ", …" : ""}.`,
    suggestedAction: `Use ${what} names exactly as the DBC writes them.`,
    details: { unknown: names }
  })

/** Resolves the `messages` / `signals` params against the DBC; unknown names fail with the names the DBC has. */
export const selectMessages = (dbc: Dbc, messages: ReadonlyArray<string> | undefined, signals: ReadonlyArray<string> | undefined): SelectedMessage[] => {
  let chosen: DbcMessage[] = [...dbc.messages]
  if (messages && messages.length > 0) {
    const missing: string[] = []
    const byLower = new Map(dbc.messages.map(m => [m.name.toLowerCase(), m]))
    chosen = []
    for (const raw of messages) {
      const text = raw.trim()
      const address = parseAddress(text)
      const m = dbc.messagesByName.get(text) ?? byLower.get(text.toLowerCase()) ?? (address === undefined ? undefined : dbc.messagesByAddress.get(address))
      if (!m) missing.push(text)
      else if (!chosen.includes(m)) chosen.push(m)
    }
    if (missing.length > 0)
      throw unknown(
        "message",
        missing,
        dbc.messages.map(m => m.name)
      )
  }
  if (!signals || signals.length === 0) return chosen.map(message => ({ message, signals: message.signals }))
  const wanted = signals.map(s => s.trim())
  const used = new Set<string>()
  const out: SelectedMessage[] = []
  for (const message of chosen) {
    const keep = message.signals.filter(s => {
      const hit = wanted.find(w => w === s.name || w === `${message.name}.${s.name}`)
      if (hit) used.add(hit)
      return hit !== undefined
    })
    if (keep.length > 0) out.push({ message, signals: keep })
  }
  const missing = wanted.filter(w => !used.has(w))
  if (missing.length > 0)
    throw unknown(
      "signal",
      missing,
      chosen.flatMap(m => m.signals.map(s => `${m.name}.${s.name}`))
    )
  return out
}

/** A file name for a message's CSV: the name with anything but letters, digits, `_`, `-` replaced. */
export const messageFileName = (message: DbcMessage, taken: Set<string>): string => {
  const base = message.name.replace(/[^A-Za-z0-9_-]/g, "_") || `msg_${message.address.toString(16)}`
  let name = `${base}.csv`
  if (taken.has(name)) name = `${base}_0x${message.address.toString(16).toUpperCase()}.csv`
  taken.add(name)
  return name
}
