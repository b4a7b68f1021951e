import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { ownedRun, ownedUpload, readableArtifact } from "../../src/core/access/ownership.js"
import { storeUpload } from "../../src/core/artifacts/uploads.js"
import type { CtsError } from "../../src/core/errors.js"
import { useTestClient } from "./helpers.js"

const t = useTestClient()

const failure = async (effect: Effect.Effect<unknown, CtsError, any>): Promise<CtsError> => {
  const result = await t.cts.runtime.runPromise(Effect.flip(effect))
  return result as CtsError
}

async function* bytes(text: string) {
  yield new TextEncoder().encode(text)
}

describe("core ownership rules", () => {
  it("gives a run and its artifacts to its owner only; a foreign id looks exactly like an unknown one", async () => {
    const run = await t.cts.submit("test-slow-artifact", { input: [], params: { chunks: 2, everyMs: 1 }, owner: "alice" })
    const done = await t.cts.wait(run.id)
    expect(done.status).toBe("completed")
    const [artifact] = await t.cts.artifacts(run.id)
    expect(artifact).toBeDefined()
    expect((await t.cts.runtime.runPromise(ownedRun("alice", run.id))).id).toBe(run.id)
    expect((await t.cts.runtime.runPromise(readableArtifact("alice", artifact!.id))).id).toBe(artifact!.id)

    const foreign = await failure(ownedRun("bob", run.id))
    const unknown = await failure(ownedRun("bob", "run_doesnotexist"))
    expect(foreign.code).toBe("run_not_found")
    expect(unknown.code).toBe("run_not_found")
    expect(foreign.message.replace(run.id, "ID")).toBe(unknown.message.replace("run_doesnotexist", "ID"))
    expect((await failure(ownedRun("alice", "../etc"))).code).toBe("run_not_found")
    expect((await failure(readableArtifact("bob", artifact!.id))).code).toBe("artifact_not_found")
    expect((await failure(ownedUpload("alice", artifact!.id))).code).toBe("upload_not_found")
  })

  it("gives an upload to its uploader only", async () => {
    const upload = await t.cts.runtime.runPromise(storeUpload({ name: "note.txt", owner: "alice" }, bytes("hello")))
    expect(upload.metadata?.uploadedBy).toBe("alice")
    expect((await t.cts.runtime.runPromise(ownedUpload("alice", upload.id))).id).toBe(upload.id)
    expect((await failure(ownedUpload("bob", upload.id))).code).toBe("upload_not_found")
    expect((await failure(readableArtifact("bob", upload.id))).code).toBe("artifact_not_found")
  })
})
