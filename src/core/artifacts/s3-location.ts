import { S3Client } from "@aws-sdk/client-s3"
import type { S3Settings } from "../config.js"
import { ValidationError } from "../errors.js"

/** Bucket and key prefix of an `s3://bucket/prefix` setting. */
export interface S3Location {
  readonly bucket: string
  /** Without leading or trailing slash; "" for the bucket root. */
  readonly prefix: string
}

/** Parses `s3://bucket[/prefix]`. */
export const parseS3Url = (url: string): S3Location => {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url)
  if (!m) {
    throw new ValidationError({
      code: "invalid_config",
      message: `Artifact store ${JSON.stringify(url)} is not s3://bucket/prefix`,
      suggestedAction: "Set artifacts (CTS_ARTIFACTS, --artifacts) to e.g. s3://cts-artifacts/prod"
    })
  }
  return { bucket: m[1]!, prefix: (m[2] ?? "").replace(/^\/+|\/+$/g, "") }
}

/** The object key of an artifact key under the location's prefix. */
export const objectKey = (loc: S3Location, key: string): string => (loc.prefix ? `${loc.prefix}/${key}` : key)

/**
 * An S3 client for the settings: a custom endpoint with path-style URLs for MinIO, Garage, R2 and the
 * like, and checksums only where the API requires them (several S3-compatible services reject the
 * SDK's default CRC32 trailers). Unset credentials and region come from the SDK's `AWS_*` chain.
 */
export const createS3Client = (settings: S3Settings = {}): S3Client =>
  new S3Client({
    region: settings.region ?? process.env.AWS_REGION ?? "us-east-1",
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle ?? settings.endpoint !== undefined,
    ...(settings.accessKeyId && settings.secretAccessKey
      ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
      : {}),
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED"
  })
