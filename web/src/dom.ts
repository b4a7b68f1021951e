type Child = Node | string | number | null | undefined | false
type Attrs = Record<string, string | number | boolean | EventListener | null | undefined>

/** Creates an element: `h("button", { onclick }, "Go")`; `on*` attributes become listeners, false/null are omitted. */
export const h = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value)
    else if (key === "value" && "value" in el) (el as HTMLInputElement).value = String(value)
    else el.setAttribute(key, value === true ? "" : String(value))
  }
  el.append(...(children.filter(c => c !== null && c !== undefined && c !== false) as Array<Node | string>).map(c => (typeof c === "number" ? String(c) : c)))
  return el
}

/** Human size: 1.2 MB. */
export const formatBytes = (n: number): string => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`)

/** Local time of an ISO timestamp (or a dash). */
export const formatTime = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : "—")

/** Saves a Blob under `name` through a temporary link. */
export const saveBlob = (blob: Blob, name: string): void => {
  const url = URL.createObjectURL(blob)
  const a = h("a", { href: url, download: name })
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
