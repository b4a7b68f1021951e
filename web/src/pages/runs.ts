import type { RunStatusWire, RunWire } from "../../../src/client/wire-types.js"
import { api, clearError, guarded } from "../api.js"
import { formatTime, h } from "../dom.js"
import type { Page } from "../main.js"

const STATUSES: ReadonlyArray<RunStatusWire> = ["queued", "running", "completed", "failed", "canceled"]
const PAGE_SIZE = 20

const inputLabel = (run: RunWire) => run.inputs.map(i => i.name).join(", ") || "—"

const runRow = (run: RunWire) =>
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

/**
 * Runs: your runs, newest first, filtered by status and tool, paged by cursor, kept live by the
 * server's run-changes stream (EventSource with a stream token): a changed run's row is redrawn from
 * the pushed record, a new run reloads the first page.
 */
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
  const liveState = h("p", { class: "muted", id: "runs-live" }, "Connecting…")
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
    body.replaceChildren(...page.items.map(runRow))
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
  const matchesFilter = (run: RunWire) => (!status.value || run.status === status.value) && (!tool.value.trim() || run.tool_id === tool.value.trim())
  const onChange = (run: RunWire) => {
    const row = body.querySelector(`tr[data-run="${CSS.escape(run.id)}"]`)
    if (row && matchesFilter(run)) row.replaceWith(runRow(run))
    else if (row || (cursors.length === 1 && matchesFilter(run))) void load()
  }

  let source: EventSource | null = null
  let closed = false
  let reopened = 0
  /** Opens the run-changes stream with a fresh token; on `ready` (joined) the list is reloaded, so no change is missed. */
  const openFeed = async () => {
    const token = await guarded(() => api().runChangesToken())
    if (!token || closed) return
    const es = new EventSource(token.streamUrl)
    source = es
    es.addEventListener("ready", () => {
      reopened = 0
      liveState.textContent = "Live."
      void load()
    })
    es.addEventListener("run", m => onChange(JSON.parse((m as MessageEvent<string>).data)))
    es.onerror = () => {
      if (source !== es) return
      liveState.textContent = "Connection lost; reconnecting…"
      if (es.readyState !== EventSource.CLOSED) return
      es.close()
      source = null
      if (++reopened > 30) return void (liveState.textContent = "Live updates keep failing; reload the page to retry.")
      setTimeout(() => void (closed || openFeed()), Math.min(10_000, 500 * reopened))
    }
  }
  main.append(liveState)
  void load().then(openFeed)
  return () => {
    closed = true
    source?.close()
  }
}
