import { createHash } from "node:crypto"
import { lstatSync, readFileSync, realpathSync } from "node:fs"
import path from "node:path"
import { afterEach, describe, expect, it, vi } from "vitest"
import { identityOf } from "../../src/core/executor/input-identity.js"
import { openWorkerInput } from "../../src/core/executor/input-file.js"
import type { PathWorkerInput } from "../../src/core/executor/worker-protocol.js"
import { sharedData } from "./helpers.js"

const fixture = realpathSync(path.join(sharedData, "rlog", "subaru_cruise_demo.rlog.zst"))
const bytes = readFileSync(fixture)
const expected = createHash("sha256").update(bytes).digest("hex")
const workerInput = (): PathWorkerInput => ({
  kind: "path",
  name: path.basename(fixture),
  size: bytes.length,
  sha256: null,
  path: fixture,
  identity: identityOf(lstatSync(fixture)),
  roots: [path.dirname(fixture)]
})

/** Counts the bytes every sha256 object in this process is fed. */
const countHashedBytes = () => {
  const proto = Object.getPrototypeOf(createHash("sha256")) as { update: (data: Uint8Array) => unknown }
  const spy = vi.spyOn(proto, "update")
  return () => spy.mock.calls.reduce((n, [data]) => n + (data as Uint8Array).byteLength, 0)
}

const drain = async (it: AsyncIterable<Uint8Array>, limit = Infinity) => {
  let n = 0
  for await (const chunk of it) {
    n += chunk.byteLength
    if (n >= limit) break
  }
  return n
}

afterEach(() => vi.restoreAllMocks())

describe("openWorkerInput", () => {
  it("hashes each byte once however often the tool reads, and reports the whole file's sha256 when the read reaches the end", async () => {
    const hashed = countHashedBytes()
    const reported: string[] = []
    const input = await openWorkerInput(workerInput(), s => reported.push(s))
    expect(input.sha256).toBeNull()
    expect(await drain(input.open(), 1)).toBeGreaterThan(0)
    expect(input.sha256).toBeNull()
    expect(await drain(input.open())).toBe(bytes.length)
    expect(await drain(input.open())).toBe(bytes.length)
    expect(input.sha256).toBe(expected)
    expect(await input.digest()).toBe(expected)
    expect(reported).toEqual([expected])
    expect(hashed()).toBe(bytes.length)
    await input.close()
  })

  it("digest hashes only what no read covered when the tool stopped early", async () => {
    const hashed = countHashedBytes()
    const input = await openWorkerInput(workerInput(), () => undefined)
    await drain(input.open(), 1)
    expect(await input.digest()).toBe(expected)
    expect(hashed()).toBe(bytes.length)
    await input.close()
  })

  it("keeps an artifact's stored hash without hashing again", async () => {
    const hashed = countHashedBytes()
    const input = await openWorkerInput({ ...workerInput(), sha256: expected, roots: null }, () => expect.unreachable())
    expect(input.sha256).toBe(expected)
    expect(await drain(input.open())).toBe(bytes.length)
    expect(await input.digest()).toBe(expected)
    expect(hashed()).toBe(0)
    await input.close()
  })

  it("refuses a file whose identity differs from the one recorded at submit", async () => {
    await expect(openWorkerInput({ ...workerInput(), identity: { ...identityOf(lstatSync(fixture)), mtimeMs: 1 } }, () => undefined)).rejects.toMatchObject({
      _tag: "ValidationError",
      code: "input_changed",
      details: { changed: ["mtimeMs"] }
    })
  })

  it("refuses a descriptor whose real path is outside the roots", async () => {
    await expect(openWorkerInput({ ...workerInput(), roots: ["/nowhere"] }, () => undefined)).rejects.toMatchObject({ code: "path_not_allowed" })
  })
})
