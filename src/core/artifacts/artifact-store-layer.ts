import { Effect, Layer } from "effect"
import { CtsConfig } from "../config.js"
import type { CtsError } from "../errors.js"
import type { RunStore } from "../store/run-store.js"
import type { ArtifactStore } from "./artifact-store.js"
import { ArtifactStoreLocal } from "./local-artifact-store.js"
import type { SignedLinks } from "./signed-links.js"

/**
 * The ArtifactStore the config's `artifacts` names: S3 for `s3://…`, else files under the data dir.
 * The S3 store (and the AWS SDK) is imported only when it is configured.
 */
export const ArtifactStoreFromConfig: Layer.Layer<ArtifactStore, CtsError, CtsConfig | RunStore | SignedLinks> = Layer.unwrapEffect(
  Effect.flatMap(CtsConfig, config =>
    config.artifacts?.startsWith("s3://")
      ? Effect.promise(() => import("./s3-artifact-store.js")).pipe(Effect.map(m => m.ArtifactStoreS3))
      : Effect.succeed(ArtifactStoreLocal)
  )
)
