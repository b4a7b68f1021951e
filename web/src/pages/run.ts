import type { ArtifactWire, RunEventWire, RunWire } from "../../../src/client/wire-types.js"
import { api, clearError, guarded, showError } from "../api.js"
import { formatBytes, formatTime, h, saveBlob } from "../dom.js"
import type { Page } from "../main.js"
import { previewArtifact } from "../preview.js"

const MAX_LOG_LINES = 5000

/** Run: status, progress, the live log (EventSource with a stream token, resumed after a drop), summary, artifacts with previews, bundle, cancel. */
export const renderRun: Page = (main, runId) => {
  const client = api()
  const title = h("h1", {}, `Run ${runId}`)
  const status = h("span", { id: "run-status", class: "status" }, "…")
  const progress = h("progress", { id: "run-progress", max: 1, value: 0 })
  const progressNote = h("span", { class: "muted", id: "progress-note" })
  const cancel = h("button", { type: "button", id: "cancel-run" }, "Cancel run")
  const bundle = h("button", { type: "button", id: "download-bundle" }, "Download bundle (ZIP)")
  const log = h("div", { class: "log", id: "run-log", role: "log", "aria-live": "polite", tabindex: 0 })
  const streamState = h("span", { class: "muted", id: "stream-state" })
  const summary = h("pre", { class: "json", id: "run-summary" }, "—")
  const artifactsBody = h("tbody")
  const previewBox = h("div", { class: "preview", id: "preview" })
  const linkOut = h("input", { id: "signed-link", readonly: true, class: "mono", "aria-label": "Signed link" })
  let lastSeq = 0
  let source: EventSource | null = null
  let closed = false
  let reopened = 0
  let shownArtifacts = ""

  const showRun = (run: RunWire) => {
    title.textContent = `${run.name ?? run.tool_id} — ${run.id}`
    status.textContent = run.status
    status.className = `status status-${run.status}`
    if (run.progress) progress.value = run.progress.fraction
    if (run.status === "completed") progress.value = 1
    cancel.disabled = !(run.status === "queued" || run.status === "running")
    bundle.disabled = run.status === "queued" || run.status === "running"
    summary.textContent = run.error ? `${run.error.code}: ${run.error.message}` : run.summary ? JSON.stringify(run.summary, null, 2) : "—"
  }

  const artifactRow = (a: ArtifactWire) =>
    h(
      "tr",
      { "data-artifact": a.name },
      h("td", {}, a.name, a.partial ? " (partial)" : ""),
      h("td", {}, formatBytes(a.size)),
      h("td", { class: "hide-narrow" }, a.content_type),
      h("td", { class: "mono hide-narrow" }, a.sha256),
      h(
        "td",
        {},
        h(
          "div",
          { class: "row" },
          h("button", { type: "button", "data-action": "download", onclick: () => void download(a) }, "Download"),
          h("button", { type: "button", "data-action": "preview", onclick: () => void preview(a) }, "Preview"),
          h("button", { type: "button", "data-action": "copy-link", onclick: () => void copyLink(a) }, "Copy link")
        )
      )
    )

  const download = (a: ArtifactWire) =>
    guarded(async () => {
      const { url } = await client.signUrl(a.id, 300)
      const link = h("a", { href: url, download: a.name })
      document.body.append(link)
      link.click()
      link.remove()
    })
  // Only the latest preview asked for is shown: a slow one (a large report) must not replace a later choice.
  let previewAsked = 0
  const preview = (a: ArtifactWire) =>
    guarded(async () => {
      const asked = ++previewAsked
      const body = (await previewArtifact(client, a)) ?? h("p", { class: "muted" }, `No preview for ${a.content_type}; download it.`)
      if (asked === previewAsked) previewBox.replaceChildren(h("h3", {}, `Preview: ${a.name}`), body)
    })
  const copyLink = (a: ArtifactWire) =>
    guarded(async () => {
      const { url, expiresAt } = await client.signUrl(a.id)
      linkOut.value = url
      linkOut.title = `valid until ${formatTime(expiresAt)}`
      await navigator.clipboard?.writeText(url).catch(() => undefined)
    })

  const refresh = async () => {
    const run = await guarded(() => client.getRun(runId))
    if (!run) return
    showRun(run)
    if (run.status !== "queued" && run.status !== "running") {
      const artifacts = await guarded(() => client.listArtifacts(runId))
      const ids = artifacts?.map(a => a.id).join(",")
      if (artifacts && ids !== shownArtifacts) {
        shownArtifacts = ids!
        artifactsBody.replaceChildren(...artifacts.map(artifactRow))
      }
    }
  }

  const onEvent = (e: RunEventWire) => {
    if (e.seq <= lastSeq) return
    lastSeq = e.seq
    if (e.type === "log") {
      const line = h("div", { class: e.level }, `${e.time.slice(11, 23)} ${e.level.padEnd(5)} ${e.message}`)
      log.append(line)
      while (log.childElementCount > MAX_LOG_LINES) log.firstElementChild!.remove()
      log.scrollTop = log.scrollHeight
    } else if (e.type === "progress") {
      progress.value = e.fraction
      progressNote.textContent = e.note ?? ""
    } else if (e.type === "status") status.textContent = e.status
    else if (e.type === "end") {
      streamState.textContent = "Log complete."
      closeStream()
      void refresh()
    }
  }

  const closeStream = () => {
    source?.close()
    source = null
  }
  /** Opens the stream after `lastSeq` with a fresh token; EventSource itself resumes with Last-Event-ID after a drop, and a refused reconnect (expired token) opens anew. */
  const openStream = async () => {
    if (closed) return
    const token = await guarded(() => client.streamToken(runId))
    if (!token || closed) return
    const es = new EventSource(`${token.streamUrl}&after=${lastSeq}`)
    source = es
    for (const type of ["log", "progress", "status", "end"]) es.addEventListener(type, m => onEvent(JSON.parse((m as MessageEvent<string>).data)))
    es.onopen = () => {
      reopened = 0
      streamState.textContent = "Live."
    }
    es.onerror = () => {
      if (source !== es) return
      if (es.readyState === EventSource.CLOSED) {
        closeStream()
        if (++reopened > 30) return void (streamState.textContent = "The log stream keeps failing; reload the page to retry.")
        streamState.textContent = "Stream closed; reconnecting…"
        setTimeout(() => void refresh().then(openStream), Math.min(10_000, 500 * reopened))
      } else streamState.textContent = "Connection lost; resuming…"
    }
  }

  cancel.addEventListener("click", () =>
    guarded(async () => {
      const result = await client.cancel(runId)
      showRun(result.run)
      streamState.textContent = result.outcome === "canceled" ? "Canceled." : "The run had already finished."
    })
  )
  bundle.addEventListener("click", () =>
    guarded(async () => {
      const res = await client.bundle(runId)
      saveBlob(await res.blob(), `${runId}.zip`)
    })
  )

  main.append(
    title,
    h("div", { class: "row" }, h("span", {}, "Status: "), status, progressNote),
    progress,
    h("div", { class: "row" }, cancel, bundle, h("a", { href: "#/runs" }, "All runs")),
    h("h2", {}, "Log ", streamState),
    log,
    h("h2", {}, "Summary"),
    summary,
    h("h2", {}, "Artifacts"),
    h(
      "div",
      { class: "scroll" },
      h(
        "table",
        { id: "artifacts" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, "Name"),
            h("th", {}, "Size"),
            h("th", { class: "hide-narrow" }, "Type"),
            h("th", { class: "hide-narrow" }, "sha256"),
            h("th", {}, "")
          )
        ),
        artifactsBody
      )
    ),
    h("div", { class: "row" }, h("label", { for: "signed-link" }, "Signed link:"), linkOut),
    previewBox
  )
  clearError()
  void refresh().then(openStream).catch(showError)
  return () => {
    closed = true
    closeStream()
  }
}
