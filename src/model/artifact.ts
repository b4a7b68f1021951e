import { Schema } from "effect"

/** Metadata recorded for every artifact. */
export const ArtifactMeta = Schema.Struct({
  id: Schema.String,
  /** Normalised store key, e.g. `runs/<runId>/<name>`. */
  key: Schema.String,
  runId: Schema.NullOr(Schema.String),
  name: Schema.String,
  size: Schema.Number,
  sha256: Schema.String,
  contentType: Schema.String,
  /** ISO-8601. */
  createdAt: Schema.String,
  /** Set when the run that wrote it was canceled or failed mid-write. */
  partial: Schema.optionalWith(Schema.Boolean, { exact: true }),
  /** Free-form extras (tool version, input sha256…). */
  metadata: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Unknown }), { exact: true })
}).annotations({ identifier: "ArtifactMeta" })
export type ArtifactMeta = typeof ArtifactMeta.Type

/** Inclusive byte range. */
export interface ByteRange {
  readonly start: number
  readonly end: number
}

/** One page of artifacts, in id order. */
export interface ArtifactPage {
  readonly items: ReadonlyArray<ArtifactMeta>
  readonly nextCursor: string | null
}

/** Artifact listing filter; `cursor` is the last id of the previous page. */
export interface ArtifactQuery {
  readonly prefix?: string
  readonly runId?: string
  readonly cursor?: string
  readonly limit?: number
}
