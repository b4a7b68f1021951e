/// <reference types="w3c-web-usb" />
import { Effect, Exit, Scope } from "effect"
import { CABANA_CSV_HEADER, formatCabanaRows } from "cts-lite/log"
import { PANDA_USB_FILTERS, PandaDevice, type PandaHandle } from "cts-lite/panda"
import { createBusCheckCounter, describeWindow } from "../../../src/core/monitors/bus-check-counter.js"
import { expectedStreams, STREAM_PRESETS } from "../../../src/core/monitors/expected-streams.js"
import { createStateChanges, describeChange, stateOfHealth } from "../../../src/core/tools/panda-state/state-changes.js"
import { clearError, showError } from "../api.js"
import { h, saveBlob } from "../dom.js"
import type { Page } from "../main.js"

const hex = (n: number) => `0x${n.toString(16).toUpperCase()}`
const promiseOf = async <A, E>(effect: Effect.Effect<A, E>): Promise<A> => {
  const r = await Effect.runPromise(Effect.either(effect))
  if (r._tag === "Left") throw r.left
  return r.right
}

/** Live panda: WebUSB in this browser (cts-lite/panda): connect, health, a live bus check and panda state, capture to a cabana CSV. */
export const renderPanda: Page = main => {
  const usb = (navigator as Navigator & { usb?: USB }).usb
  const info = h("pre", { class: "json", id: "panda-info" }, "Not connected.")
  const health = h("pre", { class: "json", id: "panda-health" }, "—")
  const windowInput = h("input", { id: "window-s", type: "number", min: 0.2, step: "any", value: "1" })
  const preset = h(
    "select",
    { id: "preset" },
    h("option", { value: "" }, "no expected streams"),
    ...Object.keys(STREAM_PRESETS).map(p => h("option", { value: p }, p))
  )
  const checkBody = h("tbody")
  const checkLog = h("div", { class: "log", id: "check-log", role: "log", "aria-live": "polite" })
  const captureInfo = h("span", { class: "muted", id: "capture-info" })
  const connect = h("button", { type: "button", id: "panda-connect" }, "Connect panda")
  const disconnect = h("button", { type: "button", id: "panda-disconnect", disabled: true }, "Disconnect")
  const start = h("button", { type: "button", id: "bus-check-start", disabled: true }, "Start bus check")
  const stop = h("button", { type: "button", id: "bus-check-stop", disabled: true }, "Stop")
  const capture = h("input", { type: "checkbox", id: "capture" })
  let scope: Scope.CloseableScope | null = null
  let handle: PandaHandle | null = null
  let running: AbortController | null = null
  const line = (text: string, level = "info") => {
    checkLog.append(h("div", { class: level }, text))
    checkLog.scrollTop = checkLog.scrollHeight
  }

  const showHealth = async () => {
    if (!handle) return undefined
    const hv = await promiseOf(handle.health)
    health.textContent = JSON.stringify(hv, null, 2)
    return hv
  }

  connect.addEventListener("click", async () => {
    clearError()
    if (!usb) return showError(new Error("This browser has no WebUSB (navigator.usb): use Chromium or Chrome over https or localhost."))
    try {
      const device = await usb.requestDevice({ filters: [...PANDA_USB_FILTERS] })
      scope = Effect.runSync(Scope.make())
      handle = await promiseOf(
        Effect.flatMap(PandaDevice, svc => svc.open(device.serialNumber ?? undefined)).pipe(Scope.extend(scope), Effect.provide(PandaDevice.layerWebUsb(usb)))
      )
      info.textContent = JSON.stringify(handle.info, null, 2)
      await showHealth()
      connect.disabled = true
      disconnect.disabled = start.disabled = false
    } catch (error) {
      if (scope) await Effect.runPromise(Scope.close(scope, Exit.void))
      scope = null
      showError(error)
    }
  })

  const close = async () => {
    running?.abort()
    if (scope) await Effect.runPromise(Scope.close(scope, Exit.void))
    scope = handle = null
    connect.disabled = false
    disconnect.disabled = start.disabled = stop.disabled = true
    info.textContent = "Not connected."
  }
  disconnect.addEventListener("click", () => void close())

  /** Counts frames with can-bus-check's own counter (windows of CAN time, missing expected streams flagged) and follows the panda state as panda-state does. */
  start.addEventListener("click", async () => {
    if (!handle) return
    const windowS = Number(windowInput.value) || 1
    const expected = expectedStreams(preset.value ? { preset: preset.value } : {})
    const states = createStateChanges()
    const parts: BlobPart[] = [CABANA_CSV_HEADER + "\n"]
    let captured = 0
    let windows = 0
    let received = 0
    let lastStartS = 0
    const totalEl = document.getElementById("bus-check-total")!
    running = new AbortController()
    start.disabled = true
    stop.disabled = false
    checkLog.replaceChildren()
    const counter = createBusCheckCounter({
      windowS,
      expected,
      onWindow: w => {
        windows++
        lastStartS = w.startS
        line(describeWindow(w, windowS), w.missing.length ? "warn" : "info")
      }
    })
    /** After windows closed: the table of every stream's frames, and the panda state from a fresh health read. */
    const showWindows = async () => {
      checkBody.replaceChildren(
        ...counter
          .streams()
          .map(t =>
            h("tr", { "data-stream": `${t.bus}:${hex(t.address)}` }, h("td", {}, String(t.bus)), h("td", {}, hex(t.address)), h("td", {}, String(t.frames)))
          )
      )
      const hv = await showHealth().catch(() => undefined)
      const change = hv && states.next(lastStartS, stateOfHealth(hv, true))
      if (change) line(describeChange(change))
    }
    try {
      for await (const batch of handle.frames(running.signal)) {
        received += batch.length
        totalEl.textContent = String(received)
        if (capture.checked) {
          parts.push(formatCabanaRows(batch))
          captured += batch.length
          captureInfo.textContent = `${captured} frames captured`
        }
        const before = windows
        counter.add(batch)
        if (windows > before) await showWindows()
      }
    } catch (error) {
      if (!running?.signal.aborted) showError(error)
    }
    const before = windows
    counter.finish()
    if (windows > before) await showWindows()
    const streams = counter.streams()
    const total = streams.reduce((s, t) => s + t.frames, 0)
    line(`bus check ended: ${total} frames on ${streams.length} streams in ${windows} windows`)
    if (captured > 0) saveBlob(new Blob(parts, { type: "text/csv" }), `panda-capture-${new Date().toISOString().replace(/[:.]/g, "-")}.csv`)
    running = null
    start.disabled = !handle
    stop.disabled = true
  })
  stop.addEventListener("click", () => running?.abort())

  main.append(
    h("h1", {}, "Live panda"),
    h(
      "p",
      { class: "muted" },
      usb ? "Connect a comma.ai panda over USB (Chromium's WebUSB); it is opened read-only." : "This browser has no WebUSB: use Chromium or Chrome."
    ),
    h("div", { class: "row" }, connect, disconnect),
    h("h2", {}, "Panda"),
    info,
    h("h2", {}, "Health"),
    health,
    h("h2", {}, "Bus check and panda state"),
    h(
      "div",
      { class: "row" },
      h("label", { for: "window-s" }, "Window (s)"),
      windowInput,
      h("label", { for: "preset" }, "Expected"),
      preset,
      capture,
      h("label", { for: "capture" }, "Capture to a CSV file"),
      captureInfo
    ),
    h("div", { class: "row" }, start, stop, h("span", {}, "Frames: "), h("strong", { id: "bus-check-total" }, "—")),
    checkLog,
    h(
      "div",
      { class: "scroll" },
      h("table", { id: "bus-check" }, h("thead", {}, h("tr", {}, h("th", {}, "Bus"), h("th", {}, "Address"), h("th", {}, "Frames"))), checkBody)
    )
  )
  return () => void close()
}
