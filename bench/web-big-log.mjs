// npm run bench:web — the web page's local analysis of a 254 MB log (70 × the RAV4 rlog) in Chromium:
// read time and throughput in its Web Worker, and how the tab's main thread fared meanwhile.
// Target printed beside the figures: no long task over 200 ms and a 50 ms timer never late by more than 200 ms.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { chromium } from "playwright-core"
import { startServer } from "../dist/index.js"
import { readMainThreadProbe, repeatedLogDrop, startMainThreadProbe } from "../tests/web/fixtures/main-thread-probe.mjs"

const here = path.dirname(fileURLToPath(import.meta.url))
const rlogDir = path.resolve(here, "../../shared/data/rlog")
const raw = readFileSync(path.join(rlogDir, "rav4_seg40.rlog"))
/** Frames of one copy, from the oracle (its rows less the header). */
const ORACLE_FRAMES = readFileSync(path.join(rlogDir, "rav4_seg40.frames.csv"), "utf8").trimEnd().split("\n").length - 1
const REPEAT = Number(process.env.CTS_WEB_BIG_REPEAT ?? 70)
const TARGET_TASK_MS = 200
const CHROMIUM = "/usr/bin/chromium"

const main = async () => {
  if (!existsSync(CHROMIUM)) return console.log(`web big-log bench skipped: ${CHROMIUM} is missing (apt-get install -y chromium).`)
  const dir = mkdtempSync(path.join(tmpdir(), "cts-bench-web-"))
  const server = await startServer({ env: {}, configFile: null, host: "127.0.0.1", port: 0, core: { dataDir: path.join(dir, "data") } })
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
  })
  try {
    const page = await browser.newPage()
    await page.goto(`${server.url}/#/local`)
    await page.waitForSelector("#local-drop")
    const drop = await repeatedLogDrop(page, raw, REPEAT, "big.rlog")
    const bytes = raw.length * REPEAT
    const frames = ORACLE_FRAMES * REPEAT
    console.log(
      `web local analysis of ${(bytes / 1e6).toFixed(0)} MB (${REPEAT} × RAV4 rlog, ${frames.toLocaleString("en-US")} frames) — chromium, load average ${loadavg()
        .map(l => l.toFixed(2))
        .join(" ")}`
    )
    await startMainThreadProbe(page)
    await page.dispatchEvent("#local-drop", "drop", { dataTransfer: drop })
    await page.waitForFunction(n => Number(document.getElementById("frame-total")?.textContent) === n, frames, { timeout: 600_000, polling: "raf" })
    const p = await readMainThreadProbe(page)
    const s = p.elapsedMs / 1000
    console.log(`  read in the worker: ${s.toFixed(2)} s, ${(bytes / 1e6 / s).toFixed(1)} MB/s, ${(frames / s / 1e6).toFixed(2)} M frames/s`)
    console.log(
      `  main thread: ${(p.raf / s).toFixed(0)} frames/s painted, timer longest gap ${p.maxGapMs.toFixed(0)} ms, ${p.longTasks} long tasks (longest ${p.longestTaskMs.toFixed(0)} ms; target < ${TARGET_TASK_MS} ms) ${
        p.longestTaskMs < TARGET_TASK_MS && p.maxGapMs < 50 + TARGET_TASK_MS ? "OK" : "MISSED"
      }`
    )
  } finally {
    await browser.close()
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
