import type { Dbc, DbcSignal } from "./dbc-types.js"

/** What a housekeeping signal is for. */
export type HousekeepingRole = "checksum" | "counter"

const CHECKSUM_NAME = /(^|_)(CHECKSUM|CHKSUM|CRC\d*)$/i
const COUNTER_NAME = /(^|_)(COUNTER|ROLLING_COUNTER|ALIVE_COUNTER)$/i

/**
 * Role of a signal by its DBC name: `CHECKSUM`, `Checksum`, `CRC`, `…_CHECKSUM` → checksum;
 * `COUNTER`, `Counter`, `…_COUNTER` → counter; anything else → undefined.
 */
export const housekeepingRole = (signal: Pick<DbcSignal, "name">): HousekeepingRole | undefined =>
  CHECKSUM_NAME.test(signal.name) ? "checksum" : COUNTER_NAME.test(signal.name) ? "counter" : undefined

/** The CHECKSUM / COUNTER bits a DBC declares for one message. */
export interface MessageHousekeepingBits {
  readonly address: number
  readonly message: string
  /** LSB-numbered bits, ascending. */
  readonly checksumBits: ReadonlyArray<number>
  readonly counterBits: ReadonlyArray<number>
  readonly signals: ReadonlyArray<{ readonly name: string; readonly role: HousekeepingRole }>
}

/**
 * Per message address, the bits of the signals a DBC names as checksums or counters (see
 * `housekeepingRole`). Messages without such signals are absent. Bit analyzers use it to keep
 * CHECKSUM and COUNTER bits out of their rankings.
 */
export const dbcHousekeepingBits = (dbc: Dbc): Map<number, MessageHousekeepingBits> => {
  const out = new Map<number, MessageHousekeepingBits>()
  for (const message of dbc.messages) {
    const checksum = new Set<number>()
    const counter = new Set<number>()
    const signals: Array<{ name: string; role: HousekeepingRole }> = []
    for (const signal of message.signals) {
      const role = housekeepingRole(signal)
      if (!role) continue
      signals.push({ name: signal.name, role })
      for (const bit of signal.bits) (role === "checksum" ? checksum : counter).add(bit)
    }
    if (signals.length === 0) continue
    out.set(message.address, {
      address: message.address,
      message: message.name,
      checksumBits: [...checksum].sort((a, b) => a - b),
      counterBits: [...counter].sort((a, b) => a - b),
      signals
    })
  }
  return out
}
