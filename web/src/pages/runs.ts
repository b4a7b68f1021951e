import type { RunStatusWire, RunWire } from "../../../src/client/wire-types.js"
import { api, clearError, guarded } from "../api.js"
import { formatTime, h } from "../dom.js"
import type { Page } from "../main.js"

const STATUSES: ReadonlyArray<RunStatusWire> = ["queued", "running", "completed", "failed", "canceled"]
const PAGE_SIZE = 20
const REFRESH_MS = 2000

const inputLabel = (run: RunWire) => run.inputs.map(i => i.name).join(", ") || "—"

/** Runs: your runs, newest first, filtered by status and tool, paged by cursor, refreshed while open. */
export const renderRuns: Page = main => {
  const status = h(
    "select",
    { id: "filter-status", "aria-label": "Status" },
    h("option", { value: "" }, "any status"),
    ...STATUSES.map(s => h("option", { value: s }, s))
  )
  const tool = h("input", { id: "filter-tool", placeholder: "tool id", "aria-label": "Tool" })
  const body = h("tbody")
  const pageInfo = h("span", { class: "muted" })
  const cursors: Array<string | undefined> = [undefined]
  let next: string | null = null
  const prev = h("button", { type: "button", onclick: () => (cursors.length > 1 && cursors.pop(), load()) }, "Previous page")
  const more = h("button", { type: "button", onclick: () => next && (cursors.push(next), load()) }, "Next page")

  const load = async () => {
    const page = await guarded(() =>
      api().listRuns({
        limit: PAGE_SIZE,
        ...(status.value ? { status: status.value as RunStatusWire } : {}),
        ...(tool.value.trim() ? { tool: tool.value.trim() } : {}),
        ...(cursors.at(-1) ? { cursor: cursors.at(-1)! } : {})
      })
    )
    if (!page) return
    clearError()
    next = page.nextCursor
    prev.disabled = cursors.length <= 1
    more.disabled = next === null
    pageInfo.textContent = `page ${cursors.length}`
    body.replaceChildren(
      ...page.items.map(run =>
        h(
          "tr",
          { "data-run": run.id },
          h("td", {}, h("a", { href: `#/run/${run.id}` }, run.name ?? run.id)),
          h("td", {}, run.tool_id),
          h(
            "td",
            { class: `status status-${run.status}` },
            run.status,
            run.status === "running" && run.progress ? ` ${Math.round(run.progress.fraction * 100)}%` : ""
          ),
          h("td", { class: "hide-narrow" }, inputLabel(run)),
          h("td", { class: "hide-narrow" }, formatTime(run.created_at)),
          h("td", { class: "hide-narrow" }, formatTime(run.finished_at))
        )
      )
    )
    if (page.items.length === 0) body.append(h("tr", {}, h("td", { colspan: 6, class: "muted" }, "No runs yet. Start one under New run.")))
  }

  const apply = () => {
    cursors.splice(1)
    void load()
  }
  status.addEventListener("change", apply)
  tool.addEventListener("change", apply)
  main.append(
    h("h1", {}, "Runs"),
    h("div", { class: "row" }, status, tool, h("button", { type: "button", onclick: apply }, "Filter")),
    h(
      "div",
      { class: "scroll" },
      h(
        "table",
        { id: "runs-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, "Run"),
            h("th", {}, "Tool"),
            h("th", {}, "Status"),
            h("th", { class: "hide-narrow" }, "Input"),
            h("th", { class: "hide-narrow" }, "Created"),
            h("th", { class: "hide-narrow" }, "Finished")
          )
        ),
        body
      )
    ),
    h("div", { class: "row" }, prev, pageInfo, more)
  )
  void load()
  const timer = setInterval(() => void load(), REFRESH_MS)
  return () => clearInterval(timer)
}
