import { Effect, Stream } from "effect"
import { isCtsError, ValidationError, type CtsError } from "../errors.js"
import { newId } from "../store/ids.js"
import { isSafeName } from "../util/safe-file-name.js"
import { ArtifactStore, type ArtifactMeta } from "./artifact-store.js"
import { peekHead, uploadContentType } from "./upload-content-type.js"

/** Metadata key recording who uploaded an artifact (the principal id; absent for an embedded, single-user core). */
export const UPLOAD_OWNER_KEY = "uploadedBy"

/** What an upload is stored as; every surface (HTTP, SDK, CLI) goes through `storeUpload`. */
export interface UploadRequest {
  /** The file's base name as the caller gave it (checked, never rewritten). */
  readonly name: string
  /** The Content-Type the caller declared; used only when the first bytes are not a known kind. */
  readonly declaredContentType?: string | null
  /** Who uploaded it; only that principal may read it over an authenticated server. */
  readonly owner?: string | null
  /** Extra metadata kept with the artifact. */
  readonly metadata?: Readonly<Record<string, unknown>>
}

/** A checked upload name: one plain file name (letters, digits, `._+=@,()-` and spaces; no path, no `..`, no control characters). */
export const checkUploadName = (name: string): Effect.Effect<string, ValidationError> => {
  if (name === "") {
    return Effect.fail(
      new ValidationError({ code: "missing_upload_name", message: "The upload has no file name.", suggestedAction: "Give the upload its file's base name." })
    )
  }
  if (!isSafeName(name)) {
    return Effect.fail(
      new ValidationError({
        code: "invalid_upload_name",
        message: `Upload name ${JSON.stringify(name.slice(0, 200))} is not allowed: use one plain file name (letters, digits, ._+=@,()- and spaces; no '/', '\\', '..', '%' or control characters).`,
        details: { name: name.slice(0, 200) },
        suggestedAction: "Send just the base name of the file, e.g. drive.rlog.zst."
      })
    )
  }
  return Effect.succeed(name)
}

const broken = (e: unknown): CtsError =>
  isCtsError(e)
    ? e
    : new ValidationError({
        code: "upload_incomplete",
        message: `The upload stream broke off: ${(e as Error)?.message ?? e}.`,
        suggestedAction: "Retry the upload."
      })

/**
 * Stores an upload under `uploads/<id>/<name>` (run id null): checks the name, sniffs the first bytes for the
 * content type (zstd, bz2, CAN CSV, DBC; else the declared type when sane), streams the body into the
 * ArtifactStore (sha256 computed while writing) and records the owner. A body that fails mid-way stores nothing.
 */
export const storeUpload = (request: UploadRequest, body: AsyncIterable<Uint8Array>): Effect.Effect<ArtifactMeta, CtsError, ArtifactStore> =>
  Effect.gen(function* () {
    const name = yield* checkUploadName(request.name)
    const peeked = yield* Effect.tryPromise({ try: () => peekHead(body), catch: broken })
    const contentType = uploadContentType(peeked.head, request.declaredContentType ?? null, name)
    const metadata = { ...request.metadata, ...(request.owner ? { [UPLOAD_OWNER_KEY]: request.owner } : {}) }
    const store = yield* ArtifactStore
    return yield* store.put({ key: `uploads/${newId("upl")}/${name}`, name, contentType, runId: null, metadata }, Stream.fromAsyncIterable(peeked.body, broken))
  })
