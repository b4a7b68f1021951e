import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, beforeAll } from "vitest"
import { createCts, type CreateCtsOptions, type CtsClient } from "../../src/adapters/sdk/create-cts.js"
import { repoRoot, sharedData } from "../support/shared-data.js"

export { repoRoot, sharedData }
export const testToolsModule = path.join(repoRoot, "tests/core/fixtures/test-tools.mjs")
export const demoRlog = path.join(repoRoot, "examples/data/subaru_cruise_demo.rlog.zst")

/** A fresh temporary directory, removed by the returned cleanup. */
export const tempDir = (label: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), `cts-${label}-`))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A client over a fresh data dir with the test tools registered. */
export const testClient = async (options: CreateCtsOptions = {}): Promise<{ cts: CtsClient; dir: string; close: () => Promise<void> }> => {
  const { dir, cleanup } = tempDir("core")
  const cts = await createCts({ dataDir: path.join(dir, "data"), concurrency: 2, extraToolModules: [testToolsModule], ...options })
  return { cts, dir, close: async () => (await cts.close(), cleanup()) }
}

/**
 * One test client for a whole file: opened before its tests, closed after them. Read `cts` and
 * `dir` from the returned holder inside tests.
 */
export const useTestClient = (options: CreateCtsOptions = {}): { readonly cts: CtsClient; readonly dir: string } => {
  const holder = {} as { cts: CtsClient; dir: string }
  let close: (() => Promise<void>) | undefined
  beforeAll(async () => {
    const client = await testClient(options)
    holder.cts = client.cts
    holder.dir = client.dir
    close = client.close
  })
  afterAll(() => close?.())
  return holder
}

/** Collects an async iterable into an array. */
export const collect = async <A>(it: AsyncIterable<A>): Promise<Array<A>> => {
  const out: Array<A> = []
  for await (const x of it) out.push(x)
  return out
}

/** Reads a web stream fully. */
export const readAll = async (stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Buffer> =>
  Buffer.concat(await collect(stream as AsyncIterable<Uint8Array>))

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

/** Polls until `check` returns true (or throws after `timeoutMs`). */
export const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 30_000, everyMs = 20) => {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not reached in time")
    await sleep(everyMs)
  }
}
