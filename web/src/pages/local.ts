import { clearError, showError } from "../api.js"
import { h, saveBlob } from "../dom.js"
import type { LocalReply, LocalRequest, StreamCount } from "../local-protocol.js"
import type { Page } from "../main.js"
import { dropZone } from "../upload.js"

const hex = (n: number) => `0x${n.toString(16).toUpperCase()}`

/** The heat map of a stream's bit flips: one cell per bit (rows = bytes, columns = bits 7…0), darker = more flips. */
const heatMap = (s: StreamCount) => {
  const bytes = Math.ceil(s.flips.length / 8)
  const max = Math.max(1, ...s.flips)
  const cells: HTMLElement[] = []
  for (let byte = 0; byte < bytes; byte++)
    for (let bit = 7; bit >= 0; bit--) {
      const n = s.flips[byte * 8 + bit] ?? 0
      const cell = h("span", { title: `byte ${byte} bit ${bit}: ${n} flips` }, n > 0 ? String(n) : "")
      cell.style.background = `rgba(28, 91, 217, ${n === 0 ? 0.04 : 0.15 + (0.85 * n) / max})`
      cell.style.color = n / max > 0.5 ? "#fff" : "#1d232a"
      cells.push(cell)
    }
  return h("div", { class: "heat", id: "heat-map", role: "img", "aria-label": `Bit flips of ${hex(s.address)} on bus ${s.src}` }, ...cells)
}

/** An SVG line plot of (t, value) points. */
const plot = (points: ReadonlyArray<readonly [number, number]>, label: string) => {
  const ns = "http://www.w3.org/2000/svg"
  const svg = document.createElementNS(ns, "svg")
  svg.setAttribute("viewBox", "0 0 1000 300")
  svg.setAttribute("class", "plot")
  svg.setAttribute("role", "img")
  svg.setAttribute("aria-label", label)
  if (points.length === 0) return svg
  const [t0, t1] = [points[0]![0], points[points.length - 1]![0]]
  let [lo, hi] = [Infinity, -Infinity]
  for (const [, v] of points) (lo = Math.min(lo, v)), (hi = Math.max(hi, v))
  if (hi === lo) (hi += 1), (lo -= 1)
  const x = (t: number) => 40 + ((t - t0) / Math.max(1e-9, t1 - t0)) * 950
  const y = (v: number) => 280 - ((v - lo) / (hi - lo)) * 260
  const line = document.createElementNS(ns, "polyline")
  line.setAttribute("points", points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" "))
  line.setAttribute("fill", "none")
  line.setAttribute("stroke", "#1c5bd9")
  line.setAttribute("stroke-width", "1.5")
  const text = (s: string, tx: number, ty: number) => {
    const t = document.createElementNS(ns, "text")
    t.setAttribute("x", String(tx))
    t.setAttribute("y", String(ty))
    t.setAttribute("font-size", "14")
    t.textContent = s
    return t
  }
  svg.append(line, text(String(+hi.toPrecision(6)), 2, 24), text(String(+lo.toPrecision(6)), 2, 284), text(`${t1.toFixed(1)} s`, 930, 298))
  return svg
}

/** Local analysis: a dropped rlog is read in a Web Worker with cts-lite/log (nothing is uploaded). */
export const renderLocal: Page = main => {
  const worker = new Worker(new URL("../local-worker.ts", import.meta.url), { type: "module" })
  let file: File | null = null
  let streams: ReadonlyArray<StreamCount> = []
  const fileInput = h("input", { type: "file", id: "local-file", hidden: true })
  const zone = h("div", { class: "drop", id: "local-drop" }, "Drop an rlog (raw, .zst or .bz2) here, or choose it. It stays on this computer.")
  const progress = h("progress", { id: "local-progress", max: 1, value: 0, hidden: true })
  const result = h("div", { id: "local-result" })
  const counts = h("tbody")
  const streamSelect = h("select", { id: "heat-stream", "aria-label": "Stream for the heat map" })
  const heatBox = h("div")
  const dbcInput = h("input", { type: "file", id: "dbc-file", accept: ".dbc" })
  const signalInput = h("input", { id: "signal-name", placeholder: "MESSAGE.SIGNAL", "aria-label": "Signal (MESSAGE.SIGNAL)" })
  const busInput = h("input", { id: "signal-bus", type: "number", min: 0, placeholder: "any bus", "aria-label": "Bus" })
  const plotBox = h("div", { id: "plot" })
  const busy = (on: boolean) => (progress.hidden = !on)

  const ask = (req: LocalRequest) => {
    clearError()
    busy(true)
    progress.value = 0
    worker.postMessage(req)
  }

  worker.onmessage = (e: MessageEvent<LocalReply>) => {
    const r = e.data
    if (r.type === "progress") return void (progress.value = r.total ? r.bytes / r.total : 0)
    busy(false)
    if (r.type === "error") {
      result.hidden = true
      return showError(
        new Error(`${file?.name ?? "The file"} could not be read as an rlog (${r.code}): ${r.message}${r.suggestedAction ? ` — ${r.suggestedAction}` : ""}`)
      )
    }
    if (r.type === "analyzed") {
      streams = [...r.streams].sort((a, b) => b.frames - a.frames)
      result.hidden = false
      const span = r.firstNs !== null && r.lastNs !== null ? ((r.lastNs - r.firstNs) / 1e9).toFixed(1) : "0"
      document.getElementById("local-summary")!.textContent =
        `${file!.name}: ${r.frames} CAN frames in ${r.events} events, ${r.streams.length} streams, ${span} s.`
      document.getElementById("frame-total")!.textContent = String(r.frames)
      counts.replaceChildren(
        ...r.streams.map(s =>
          h("tr", { "data-stream": `${s.src}:${hex(s.address)}` }, h("td", {}, String(s.src)), h("td", {}, hex(s.address)), h("td", {}, String(s.frames)))
        )
      )
      streamSelect.replaceChildren(...streams.map((s, i) => h("option", { value: String(i) }, `bus ${s.src} ${hex(s.address)} (${s.frames})`)))
      heatBox.replaceChildren(streams[0] ? heatMap(streams[0]) : "")
    } else if (r.type === "signal") {
      plotBox.replaceChildren(h("p", { class: "muted" }, `${r.decoded} frames decoded${r.unit ? `, unit ${r.unit}` : ""}.`), plot(r.points, signalInput.value))
    } else if (r.type === "cabana") saveBlob(r.csv, `${file!.name.replace(/\.(rlog|zst|bz2)+$/g, "")}.cabana.csv`)
  }

  streamSelect.addEventListener("change", () => heatBox.replaceChildren(heatMap(streams[Number(streamSelect.value)]!)))
  dropZone(zone, fileInput, f => {
    file = f
    result.hidden = true
    ask({ type: "analyze", file: f })
  })

  const onPlot = async (e: Event) => {
    e.preventDefault()
    const dbc = dbcInput.files?.[0]
    const [message, signal] = signalInput.value.trim().split(".")
    if (!file || !dbc || !message || !signal) return showError(new Error("Drop a log, choose a DBC file and name the signal as MESSAGE.SIGNAL."))
    ask({ type: "signal", file, dbcText: await dbc.text(), message, signal, bus: busInput.value === "" ? null : Number(busInput.value) })
  }

  result.hidden = true
  result.append(
    h("p", { id: "local-summary" }),
    h(
      "p",
      {},
      "Frames: ",
      h("strong", { id: "frame-total" }),
      " ",
      h("button", { type: "button", id: "export-cabana", onclick: () => file && ask({ type: "cabana", file }) }, "Export cabana CSV")
    ),
    h("h2", {}, "Frames per bus and address"),
    h(
      "div",
      { class: "scroll" },
      h("table", { id: "frame-counts" }, h("thead", {}, h("tr", {}, h("th", {}, "Bus"), h("th", {}, "Address"), h("th", {}, "Frames"))), counts)
    ),
    h("h2", {}, "Bit flips"),
    streamSelect,
    heatBox,
    h("h2", {}, "DBC signal"),
    h(
      "form",
      { class: "row", onsubmit: onPlot },
      h("label", { for: "dbc-file" }, "DBC"),
      dbcInput,
      signalInput,
      busInput,
      h("button", { type: "submit" }, "Plot")
    ),
    plotBox
  )
  main.append(
    h("h1", {}, "Local analysis"),
    zone,
    fileInput,
    progress,
    h("p", { class: "muted" }, "Read in a background worker: large logs stream and the page stays responsive."),
    result
  )
  return () => worker.terminate()
}
