/** DBC `@1` = Intel (little-endian), `@0` = Motorola (big-endian). */
export type ByteOrder = "intel" | "motorola"

/** How the raw bits are read: an integer (default) or an IEEE float (`SIG_VALTYPE_` 1 / 2). */
export type SignalValueType = "integer" | "float32" | "float64"

/**
 * Where a signal's bits sit, precomputed once per signal: chunks of adjacent bits inside one byte,
 * from the most-significant chunk of the value to the least-significant one.
 */
export interface BitPlan {
  readonly bytes: Uint8Array
  /** Right shift of the chunk inside its byte. */
  readonly shifts: Uint8Array
  readonly widths: Uint8Array
  /** Smallest payload length, in bytes, that holds every bit of the signal. */
  readonly minLength: number
}

/** One `SG_` of a message. */
export interface DbcSignal {
  readonly name: string
  /** Start bit as written: the LSB for Intel, the MSB for Motorola (DBC numbering). */
  readonly startBit: number
  readonly length: number
  readonly byteOrder: ByteOrder
  readonly signed: boolean
  readonly valueType: SignalValueType
  readonly factor: number
  readonly offset: number
  readonly min: number
  readonly max: number
  readonly unit: string
  readonly receivers: ReadonlyArray<string>
  /** `M`: this signal selects which multiplexed signals are present. */
  readonly isMultiplexor: boolean
  /** `m<n>`: present only when the multiplexor's raw value is n. */
  readonly multiplexValue: number | undefined
  /** `VAL_` names by raw value. */
  readonly valueNames: ReadonlyMap<number, string>
  readonly comment: string | undefined
  /** LSB-numbered bits (8 · byte + bit, bit 0 = LSB of data[0]) from the value's MSB to its LSB. */
  readonly bits: ReadonlyArray<number>
  readonly plan: BitPlan
  /** Line of the `SG_` in the DBC text. */
  readonly line: number
}

/** One `BO_`. */
export interface DbcMessage {
  /** CAN identifier without the extended-frame flag. */
  readonly address: number
  /** The DBC id had bit 31 set (29-bit identifier). */
  readonly extended: boolean
  readonly name: string
  /** Payload length in bytes (DLC as bytes). */
  readonly size: number
  readonly transmitter: string
  readonly signals: ReadonlyArray<DbcSignal>
  readonly signalsByName: ReadonlyMap<string, DbcSignal>
  /** The `M` signal, when the message is multiplexed. */
  readonly multiplexor: DbcSignal | undefined
  readonly comment: string | undefined
  readonly line: number
}

/** A parsed DBC file. */
export interface Dbc {
  readonly version: string
  readonly nodes: ReadonlyArray<{ readonly name: string; readonly comment: string | undefined }>
  readonly messages: ReadonlyArray<DbcMessage>
  readonly messagesByAddress: ReadonlyMap<number, DbcMessage>
  readonly messagesByName: ReadonlyMap<string, DbcMessage>
  /** File-level `CM_ "…";` comments, in order. */
  readonly comments: ReadonlyArray<string>
  /** Things that were tolerated: comments or value tables naming unknown messages or signals. */
  readonly warnings: ReadonlyArray<string>
}
