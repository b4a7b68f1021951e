import { existsSync } from "node:fs"
import path from "node:path"
import { chromium, type Browser, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startTestServer, tokens, type TestServer } from "../http/support/test-server.js"
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, shot, webDist } from "./browser.js"

let server: TestServer
let browser: Browser
let page: Page

const submit = async (body: unknown, who: keyof typeof tokens = "alice") =>
  (await (await server.api("/v1/runs", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), who })).json()) as {
    id: string
  }

describe.skipIf(!hasChromium)("the runs list in Chromium is live", () => {
  beforeAll(async () => {
    if (!existsSync(path.join(webDist, "index.html"))) throw new Error("dist/web is missing: run `npm run build` first.")
    server = await startTestServer()
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
})
