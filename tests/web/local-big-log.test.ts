import { existsSync, readFileSync } from "node:fs"
import path from "node:path"
import { chromium, type Browser, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startTestServer, type TestServer } from "../http/support/test-server.js"
import { oracleRows } from "../support/oracle.js"
import { rlogPath } from "../support/shared-data.js"
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, shot, webDist } from "./browser.js"
import { readMainThreadProbe, repeatedLogDrop, startMainThreadProbe } from "./fixtures/main-thread-probe.mjs"

/** Copies of the RAV4 rlog (3.6 MB raw): 70 make a 254 MB log of 9.48 M frames. CTS_WEB_BIG_REPEAT changes it. */
const REPEAT = Number(process.env.CTS_WEB_BIG_REPEAT ?? 70)
/** A freeze is the whole read on the main thread (tens of seconds); this bound only catches that, it times nothing. */
const NO_FREEZE_MS = 2000

let server: TestServer
let browser: Browser
let page: Page

describe.skipIf(!hasChromium)("local analysis of a big log in Chromium", () => {
  beforeAll(async () => {
    if (!existsSync(path.join(webDist, "index.html"))) throw new Error("dist/web is missing: run `npm run build` first.")
    server = await startTestServer()
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.on("pageerror", e => console.error("page error:", e.message))
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it(`reads ${REPEAT} × the RAV4 rlog in its worker while the tab keeps turning; counts = the oracle's × ${REPEAT}`, async () => {
    const raw = readFileSync(rlogPath("rav4_seg40.rlog"))
    await page.goto(`${server.url}/#/local`)
    await page.waitForSelector("#local-drop")
    const drop = await repeatedLogDrop(page, raw, REPEAT, `rav4_x${REPEAT}.rlog`)
    expect(await drop.evaluate(dt => dt.files[0]!.size)).toBe(raw.length * REPEAT)
    // The probe sees a freeze: 400 ms of work on the main thread shows as a long task and a timer gap.
    await startMainThreadProbe(page)
    await page.evaluate(() =>
      setTimeout(() => {
        const end = performance.now() + 400
        while (performance.now() < end);
      }, 100)
    )
    await page.waitForTimeout(1000)
    const frozen = await readMainThreadProbe(page)
    expect(frozen.longestTaskMs).toBeGreaterThanOrEqual(390)
    expect(frozen.maxGapMs).toBeGreaterThanOrEqual(390)

    await startMainThreadProbe(page)
    await page.dispatchEvent("#local-drop", "drop", { dataTransfer: drop })
    const oracle = oracleRows("rav4_seg40.frames.csv")
    await expect.poll(async () => Number(await page.textContent("#frame-total")), { timeout: 600_000, interval: 1000 }).toBe(oracle.length * REPEAT)
    const probe = await readMainThreadProbe(page)
    console.info(`big log: ${((raw.length * REPEAT) / 1e6).toFixed(0)} MB, ${oracle.length * REPEAT} frames; main thread:`, JSON.stringify(probe))
    expect(probe.elapsedMs).toBeGreaterThan(0)
    // The page kept painting and its timers kept firing all along: no task held the main thread for long.
    expect(probe.longestTaskMs).toBeLessThan(NO_FREEZE_MS)
    expect(probe.maxGapMs).toBeLessThan(NO_FREEZE_MS)
    expect(probe.raf).toBeGreaterThan(probe.elapsedMs / 500)
    expect(probe.timer).toBeGreaterThan(probe.elapsedMs / 500)
    const perStream = new Map<string, number>()
    for (const row of oracle) {
      const [, bus, address] = row.split(",")
      perStream.set(`${bus}:${address}`, (perStream.get(`${bus}:${address}`) ?? 0) + REPEAT)
    }
    const shown = new Map(
      await page.$$eval("#frame-counts tbody tr", rows => rows.map(r => [r.getAttribute("data-stream")!, Number(r.lastElementChild!.textContent)] as const))
    )
    expect(shown).toEqual(perStream)
    await shot(page, "local-analysis-big-log")
  }, 660_000)
})
