import { existsSync, mkdirSync, readFileSync } from "node:fs"
import path from "node:path"
import { build } from "esbuild"
import type { Page } from "playwright-core"
import { repoRoot } from "../support/shared-data.js"

/** Debian's chromium (`apt-get install -y chromium`); the tests never download a browser. */
export const CHROMIUM = "/usr/bin/chromium"
export const hasChromium = existsSync(CHROMIUM)

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

/** Built page (npm run build). */
export const webDist = path.join(repoRoot, "dist/web")

/** Where screenshots go (kept as test artifacts). */
export const shotsDir = path.join(repoRoot, "test-results/web")
mkdirSync(shotsDir, { recursive: true })
export const shot = (page: Page, name: string, fullPage = true) => page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage })

/** Drops a local file on `selector` as a user would (a DataTransfer holding a File with the bytes). */
export const dropFile = async (page: Page, selector: string, file: string, name = path.basename(file), type = "application/octet-stream") => {
  const b64 = readFileSync(file).toString("base64")
  const dataTransfer = await page.evaluateHandle(
    ({ b64, name, type }) => {
      const bin = atob(b64)
      const bytes = new Uint8Array(bin.length)
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
      const dt = new DataTransfer()
      dt.items.add(new File([bytes], name, { type }))
      return dt
    },
    { b64, name, type }
  )
  await page.dispatchEvent(selector, "drop", { dataTransfer })
}

/** An init script installing a simulated panda (src/core/panda) that replays `rlog` as `navigator.usb`. */
export const simulatedUsbScript = async (rlog: string): Promise<string> => {
  const out = await build({
    entryPoints: [path.join(repoRoot, "tests/web/fixtures/simulated-usb-entry.ts")],
    bundle: true,
    write: false,
    platform: "browser",
    format: "iife",
    target: "es2022",
    logLevel: "silent"
  })
  return `globalThis.__CTS_SIM_LOG__ = ${JSON.stringify(readFileSync(rlog).toString("base64"))};\n${out.outputFiles[0]!.text}`
}
