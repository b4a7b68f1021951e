const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;"
}

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, c => HTML_ESCAPES[c])

/**
 * A relative link to a sibling artifact: the name is percent-encoded for the href and escaped for
 * the text, so a hostile artifact name cannot break out of the attribute or inject markup.
 */
export const artifactLink = (name: string, text: string = name): string => `<a href="${escapeHtml(encodeURIComponent(name))}">${escapeHtml(text)}</a>`

/** An HTML table from column names and rows of values; every cell is escaped. */
export const htmlTable = (columns: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<unknown>>, className = "data"): string => {
  const head = columns.map(c => `<th>${escapeHtml(c)}</th>`).join("")
  const body = rows.map(r => `<tr>${r.map(v => `<td>${escapeHtml(v ?? "")}</td>`).join("")}</tr>`).join("\n")
  return `<table class="${escapeHtml(className)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`
}

/** A complete, self-contained HTML page (inline CSS, no scripts). `bodyHtml` must already be escaped. */
export const htmlPage = (title: string, bodyHtml: string): string => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;line-height:1.45;color:#222}
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
table.data{border-collapse:collapse;font-size:.85rem}
table.data th,table.data td{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
table.data th{background:#f2f2f2}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}
dl.facts dt{font-weight:600}dl.facts dd{margin:0}
ul.links li{display:inline-block;margin-right:1rem}
.note{color:#555;font-size:.9rem}
</style>
</head>
<body>
${bodyHtml}
</body>
</html>
`

/** A definition list of label → value facts, escaped. */
export const htmlFacts = (facts: ReadonlyArray<readonly [string, unknown]>): string =>
  `<dl class="facts">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v ?? "")}</dd>`).join("")}</dl>`
