import { existsSync } from "node:fs"
import path from "node:path"
import { chromium, type Browser, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { oracleRows } from "../support/oracle.js"
import { repoRoot, rlogPath } from "../support/shared-data.js"
import { startTestServer, testTools, tokens, type TestServer } from "../http/support/test-server.js"
import { CHROMIUM, CHROMIUM_ARGS, dropFile, hasChromium, shot, webDist } from "./browser.js"

const pandaOnlyModule = path.join(repoRoot, "tests/core/fixtures/panda-only-monitor.mjs")

let server: TestServer
let browser: Browser
let page: Page

const submit = async (body: unknown, who: keyof typeof tokens = "alice") =>
  (await (await server.api("/v1/runs", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), who })).json()) as {
    id: string
  }

describe.skipIf(!hasChromium)("the runs list is live and monitors start from New run, in Chromium", () => {
  beforeAll(async () => {
    if (!existsSync(path.join(webDist, "index.html"))) throw new Error("dist/web is missing: run `npm run build` first.")
    server = await startTestServer({ core: { extraToolModules: [testTools, pandaOnlyModule] } })
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.on("pageerror", e => console.error("page error:", e.message))
    await page.goto(`${server.url}/#/runs`)
    await page.evaluate(t => sessionStorage.setItem("cts-token", t), tokens.alice)
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it("a run submitted through the API appears and moves to running and completed without a reload or polling", async () => {
    await page.reload()
    await page.waitForSelector("#runs-live:text('Live.')", { timeout: 20_000 })
    await page.evaluate(() => Object.assign(window, { sameDocument: true }))
    const listCalls: string[] = []
    page.on("request", r => {
      if (new URL(r.url()).pathname === "/v1/runs" && r.method() === "GET") listCalls.push(r.url())
    })
    const bobs = await submit({ tool_id: "http-chatty", params: { lines: 1 } }, "bob")
    const run = await submit({ tool_id: "http-chatty", params: { lines: 150, everyMs: 30 } })
    const status = page.locator(`tr[data-run="${run.id}"] td.status`)
    await expect.poll(() => status.textContent().catch(() => ""), { timeout: 20_000 }).toMatch(/^running/)
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toBe("completed")
    expect(await page.$(`tr[data-run="${bobs.id}"]`)).toBeNull()
    const record = await (await server.api(`/v1/runs/${run.id}`)).json()
    expect(record.status).toBe("completed")
    expect(await page.locator(`tr[data-run="${run.id}"] td`).last().textContent()).not.toBe("—")
    // One reload of the first page for the new run; every later change came pushed, over ~5 s of running.
    expect(listCalls.length).toBeLessThanOrEqual(2)
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true)
    await shot(page, "runs-live")
  }, 60_000)

  it("starts can-bus-check on a dropped log from New run: its frames equal the oracle's; the page says what each source means", async () => {
    const { tools } = await (await server.api("/v1/capabilities")).json()
    const wire = tools.find((t: { id: string }) => t.id === "can-bus-check")
    await page.goto(`${server.url}/#/new`)
    await page.waitForSelector("optgroup[label^=Monitors] option[value=can-bus-check]", { state: "attached" })
    await page.selectOption("#tool", "can-bus-check")
    expect(await page.isVisible("#monitor-note")).toBe(true)
    expect(await page.$$eval("#monitor-note li", li => li.map(x => x.getAttribute("data-source")))).toEqual(wire.sources)
    expect(await page.textContent("#submit-run")).toBe("Start monitor")
    await page.selectOption("#param-source", "log")
    await dropFile(page, "#drop-zone", rlogPath("subaru_cruise_demo.rlog.zst"))
    await expect.poll(() => page.textContent("#picked-file")).toContain("subaru_cruise_demo.rlog.zst")
    await shot(page, "new-monitor")
    await page.click("#submit-run")
    await page.waitForURL(/#\/run\/run_/)
    const runId = decodeURIComponent(page.url().split("#/run/")[1]!)
    await expect.poll(() => page.textContent("#run-status"), { timeout: 60_000 }).toBe("completed")
    const record = await (await server.api(`/v1/runs/${runId}`)).json()
    expect(record.tool_id).toBe("can-bus-check")
    const summary = JSON.parse((await page.textContent("#run-summary"))!)
    expect(summary.frames_received).toBe(oracleRows("subaru_cruise_demo.frames.csv").length)
    await shot(page, "monitor-run")
  }, 90_000)

  it("a panda source on a server with no panda fails with a clear message; a panda-only monitor says it needs the server's panda", async () => {
    await page.goto(`${server.url}/#/new`)
    await page.waitForSelector("optgroup[label^=Monitors] option[value=test-panda-only]", { state: "attached" })
    await page.selectOption("#tool", "test-panda-only")
    await expect.poll(() => page.textContent("#monitor-hardware")).toContain("needs a panda on the server's USB")
    expect(await page.$$eval("#monitor-note li", li => li.map(x => x.getAttribute("data-source")))).toEqual(["panda"])
    await page.selectOption("#tool", "panda-state")
    expect(await page.$("#monitor-hardware")).toBeNull()
    await page.selectOption("#param-source", "panda")
    await page.click("#submit-run")
    await page.waitForURL(/#\/run\/run_/)
    await expect.poll(() => page.textContent("#run-status"), { timeout: 30_000 }).toBe("failed")
    const record = await (await server.api(`/v1/runs/${page.url().split("#/run/")[1]}`)).json()
    expect(record.inputs).toEqual([])
    expect(await page.textContent("#run-summary")).toBe(`${record.error.code}: ${record.error.message}`)
    expect(record.error.code).toMatch(/panda/)
    await shot(page, "monitor-no-panda")
  }, 60_000)
})
