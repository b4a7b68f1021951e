import type { ArtifactWire } from "../../src/client/wire-types.js"
import type { HttpClient } from "../../src/client/http-client.js"
import { h } from "./dom.js"

const CSV_PREVIEW_BYTES = 256 * 1024
const CSV_PREVIEW_ROWS = 200
const TEXT_PREVIEW_BYTES = 4 * 1024 * 1024

/** Splits CSV text into rows (RFC 4180 quotes); `#` comment lines are skipped. */
export const parseCsv = (text: string): string[][] => {
  const rows: string[][] = []
  let row: string[] = []
  let field = ""
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ",") row.push(field), (field = "")
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++
      row.push(field)
      if (!(row.length === 1 && row[0] === "") && !row[0]!.startsWith("#")) rows.push(row)
      row = []
      field = ""
    } else field += c
  }
  return rows
}

/** A table of the first rows of a CSV; a click (or Enter) on a column header sorts by it, numbers as numbers. */
const csvTable = (text: string, truncated: boolean): HTMLElement => {
  const all = parseCsv(text)
  const complete = truncated ? all.slice(0, -1) : all
  const [header = [], ...rows] = complete
  const shown = rows.slice(0, CSV_PREVIEW_ROWS)
  const body = h("tbody")
  const draw = () => body.replaceChildren(...shown.map(r => h("tr", {}, ...r.map(v => h("td", {}, v)))))
  let sortedBy = -1
  let ascending = true
  const sortBy = (col: number) => {
    ascending = sortedBy === col ? !ascending : true
    sortedBy = col
    const num = (v: string | undefined) => (v !== undefined && v.trim() !== "" && !Number.isNaN(Number(v)) ? Number(v) : null)
    shown.sort((a, b) => {
      const [x, y] = [num(a[col]), num(b[col])]
      const order = x !== null && y !== null ? x - y : String(a[col] ?? "").localeCompare(String(b[col] ?? ""))
      return ascending ? order : -order
    })
    draw()
  }
  draw()
  return h(
    "div",
    {},
    h("p", { class: "muted" }, `First ${shown.length} rows${rows.length > shown.length || truncated ? " (more in the file)" : ""}. Click a column to sort.`),
    h(
      "div",
      { class: "scroll" },
      h(
        "table",
        { class: "csv-preview" },
        h("thead", {}, h("tr", {}, ...header.map((name, i) => h("th", {}, h("button", { type: "button", onclick: () => sortBy(i) }, name))))),
        body
      )
    )
  )
}

/** A preview of an artifact by its content type: CSV table, pretty JSON, HTML report in a sandboxed iframe, SVG image; null when it has none. */
export const previewArtifact = async (client: HttpClient, a: ArtifactWire): Promise<HTMLElement | null> => {
  const type = a.content_type.split(";")[0]!.trim()
  if (type === "text/csv") {
    const truncated = a.size > CSV_PREVIEW_BYTES
    const res = await client.download(a.id, truncated ? { range: `bytes=0-${CSV_PREVIEW_BYTES - 1}` } : {})
    return csvTable(await res.text(), truncated)
  }
  if (a.size > TEXT_PREVIEW_BYTES && type !== "image/svg+xml") return h("p", { class: "muted" }, "Too large to preview here; download it.")
  if (type === "application/json") {
    const text = await (await client.download(a.id)).text()
    let pretty = text
    try {
      pretty = JSON.stringify(JSON.parse(text), null, 2)
    } catch {}
    return h("pre", { class: "json" }, pretty)
  }
  if (type === "text/html") {
    const frame = h("iframe", { class: "report", sandbox: "", title: `Report ${a.name}`, referrerpolicy: "no-referrer" })
    frame.srcdoc = await (await client.download(a.id)).text()
    return frame
  }
  if (type === "image/svg+xml") {
    const url = URL.createObjectURL(new Blob([await (await client.download(a.id)).arrayBuffer()], { type: "image/svg+xml" }))
    return h("img", { src: url, alt: a.name })
  }
  if (type.startsWith("text/"))
    return h(
      "pre",
      { class: "json" },
      await (await client.download(a.id, a.size > CSV_PREVIEW_BYTES ? { range: `bytes=0-${CSV_PREVIEW_BYTES - 1}` } : {})).text()
    )
  return null
}
