import type { CtsConfigShape, S3Settings } from "./config.js"
import { ValidationError } from "./errors.js"

type Env = Readonly<Record<string, string | undefined>>

const invalid = (where: string, value: string, expected: string) =>
  new ValidationError({
    code: "invalid_config",
    message: `${where}=${JSON.stringify(value)} is not ${expected}`,
    suggestedAction: `Set ${where} to ${expected} (see docs/configuration.md, storage backends)`,
    details: { setting: where }
  })

/** Checks a run-store setting: `sqlite` or a `postgres://` / `postgresql://` URL. */
export const checkStoreSetting = (value: string, where = "store"): string => {
  if (value === "sqlite" || /^postgres(ql)?:\/\/[^\s]+$/.test(value)) return value
  throw invalid(where, value.replace(/:[^:@/]*@/, ":***@"), "sqlite or a postgres://user@host:port/database URL")
}

/** Checks an artifact-store setting: `local` or `s3://bucket[/prefix]`. */
export const checkArtifactsSetting = (value: string, where = "artifacts"): string => {
  if (value === "local" || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/.test(value)) return value
  throw invalid(where, value, "local or s3://bucket/prefix")
}

/** Checks a run-queue setting: `memory` or a `redis://` / `rediss://` URL. */
export const checkQueueSetting = (value: string, where = "queue"): string => {
  if (value === "memory" || /^rediss?:\/\/[^\s]+$/.test(value)) return value
  throw invalid(where, value.replace(/:[^:@/]*@/, ":***@"), "memory or a redis://[user:password@]host:port[/db] URL")
}

/** True when a `queue` setting names a shared Redis (BullMQ) queue. */
export const isRedisQueue = (queue: string | undefined): queue is string => queue !== undefined && /^rediss?:\/\//.test(queue)

const flag = (name: string, raw: string): boolean => {
  const s = raw.trim().toLowerCase()
  if (["1", "true", "yes", "on"].includes(s)) return true
  if (["0", "false", "no", "off"].includes(s)) return false
  throw invalid(name, raw, "true or false")
}

const s3FromEnv = (env: Env): S3Settings => {
  const pick = (name: string) => env[name]?.trim() || undefined
  const forcePathStyle = pick("CTS_S3_FORCE_PATH_STYLE")
  const out: Record<string, unknown> = {
    endpoint: pick("CTS_S3_ENDPOINT"),
    region: pick("CTS_S3_REGION"),
    accessKeyId: pick("CTS_S3_ACCESS_KEY_ID"),
    secretAccessKey: pick("CTS_S3_SECRET_ACCESS_KEY"),
    forcePathStyle: forcePathStyle === undefined ? undefined : flag("CTS_S3_FORCE_PATH_STYLE", forcePathStyle)
  }
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k]
  return out as S3Settings
}

/** `store`, `artifacts`, `queue` and `s3` from explicit values, then `CTS_STORE`, `CTS_ARTIFACTS`, `CTS_QUEUE`, `CTS_S3_*`; keys only when set. */
export const backendsFromEnv = (partial: Partial<CtsConfigShape>, env: Env): Pick<CtsConfigShape, "store" | "artifacts" | "queue" | "s3"> => {
  const storeEnv = env.CTS_STORE?.trim()
  const artifactsEnv = env.CTS_ARTIFACTS?.trim()
  const store = partial.store ?? (storeEnv ? checkStoreSetting(storeEnv, "CTS_STORE") : undefined)
  const artifacts = partial.artifacts ?? (artifactsEnv ? checkArtifactsSetting(artifactsEnv, "CTS_ARTIFACTS") : undefined)
  const queueEnv = env.CTS_QUEUE?.trim()
  const queue = partial.queue ?? (queueEnv ? checkQueueSetting(queueEnv, "CTS_QUEUE") : undefined)
  const s3 = { ...s3FromEnv(env), ...partial.s3 }
  return {
    ...(store !== undefined ? { store: checkStoreSetting(store) } : {}),
    ...(artifacts !== undefined ? { artifacts: checkArtifactsSetting(artifacts) } : {}),
    ...(queue !== undefined ? { queue: checkQueueSetting(queue) } : {}),
    ...(Object.keys(s3).length > 0 ? { s3 } : {})
  }
}
