/** What the page asks the log worker. */
export type LocalRequest =
  | { readonly type: "analyze"; readonly file: File }
  | { readonly type: "signal"; readonly file: File; readonly dbcText: string; readonly message: string; readonly signal: string; readonly bus: number | null }
  | { readonly type: "cabana"; readonly file: File }

/** One (bus, address) stream: frames and how often each payload bit flipped. */
export interface StreamCount {
  readonly src: number
  readonly address: number
  readonly frames: number
  /** Flip count per global bit (LSB numbering, `g = byte * 8 + bit`). */
  readonly flips: ReadonlyArray<number>
}

/** What the worker answers. */
export type LocalReply =
  | { readonly type: "progress"; readonly bytes: number; readonly total: number }
  | {
      readonly type: "analyzed"
      readonly frames: number
      readonly events: number
      readonly streams: ReadonlyArray<StreamCount>
      readonly firstNs: number | null
      readonly lastNs: number | null
    }
  | { readonly type: "signal"; readonly unit: string; readonly points: ReadonlyArray<readonly [number, number]>; readonly decoded: number }
  | { readonly type: "cabana"; readonly csv: Blob; readonly rows: number }
  | { readonly type: "error"; readonly code: string; readonly message: string; readonly suggestedAction?: string }
