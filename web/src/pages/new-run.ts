import type { InputWire, ToolWire } from "../../../src/client/wire-types.js"
import { api, clearError, guarded, showError } from "../api.js"
import { formatBytes, h } from "../dom.js"
import { isMonitor, monitorNote } from "../monitor-note.js"
import type { Page } from "../main.js"
import { schemaForm } from "../schema-form.js"
import { dropZone, uploadWithProgress } from "../upload.js"

/**
 * New run: pick a tool or a monitor, fill the form generated from its params schema, give the input by
 * upload or server path, submit. A monitor shows what its sources mean here and starts as a run.
 */
export const renderNewRun: Page = main => {
  const toolSelect = h("select", { id: "tool" })
  const formBox = h("div")
  const note = h("div", { id: "monitor-note", class: "note", hidden: true })
  const picked = h("p", { id: "picked-file", class: "muted" }, "No file chosen.")
  const fileInput = h("input", { type: "file", id: "file-input", hidden: true })
  const zone = h("div", { class: "drop", id: "drop-zone" }, "Drop the input file here, or choose it.")
  const progress = h("progress", { id: "upload-progress", max: 1, value: 0, hidden: true })
  const pathInput = h("input", { id: "server-path", type: "text", placeholder: "/path/on/the/server/drive.rlog.zst" })
  const byUpload = h("input", { type: "radio", name: "input-kind", id: "kind-upload", checked: true })
  const byPath = h("input", { type: "radio", name: "input-kind", id: "kind-path" })
  const submit = h("button", { type: "submit", id: "submit-run" }, "Submit run")
  let tools: ReadonlyArray<ToolWire> = []
  let file: File | null = null
  let form = schemaForm({})

  dropZone(zone, fileInput, f => {
    file = f
    byUpload.checked = true
    picked.textContent = `${f.name} (${formatBytes(f.size)})`
  })

  const showTool = () => {
    const tool = tools.find(t => t.id === toolSelect.value)
    if (!tool) return
    form = schemaForm(tool.params_schema as never)
    formBox.replaceChildren(h("p", { class: "muted" }, tool.description), ...form.elements)
    note.hidden = !isMonitor(tool)
    note.replaceChildren(...(isMonitor(tool) ? monitorNote(tool) : []))
    submit.textContent = isMonitor(tool) ? "Start monitor" : "Submit run"
  }
  toolSelect.addEventListener("change", showTool)

  const onSubmit = async (e: Event) => {
    e.preventDefault()
    clearError()
    let params: Record<string, unknown>
    try {
      params = form.read()
    } catch (error) {
      return showError(error)
    }
    submit.disabled = true
    try {
      let input: InputWire | undefined
      if (params.source === "panda") input = undefined
      else if (byPath.checked) {
        if (!pathInput.value.trim()) throw new Error("Enter the input's path on the server (under its input roots), or choose Upload.")
        input = { type: "path", value: pathInput.value.trim() }
      } else if (file) {
        progress.hidden = false
        input = (await uploadWithProgress(file, f => (progress.value = f))).input
        progress.value = 1
      }
      const run = await api().submit({ toolId: toolSelect.value, params, ...(input ? { input } : {}) })
      location.hash = `#/run/${run.id}`
    } catch (error) {
      showError(error)
    } finally {
      submit.disabled = false
    }
  }

  main.append(
    h("h1", {}, "New run"),
    h(
      "form",
      { id: "new-run-form", onsubmit: onSubmit },
      h("div", { class: "field" }, h("label", { for: "tool" }, "Tool"), toolSelect),
      note,
      formBox,
      h(
        "fieldset",
        {},
        h("legend", {}, "Input"),
        h(
          "div",
          { class: "row" },
          byUpload,
          h("label", { for: "kind-upload" }, "Upload a file"),
          byPath,
          h("label", { for: "kind-path" }, "Path on the server")
        ),
        zone,
        fileInput,
        picked,
        progress,
        h("div", { class: "field" }, h("label", { for: "server-path" }, "Server path (only under the server's input roots)"), pathInput)
      ),
      h("div", { class: "row" }, submit)
    )
  )
  void guarded(async () => {
    tools = await api().capabilities()
    const option = (t: ToolWire) => h("option", { value: t.id }, `${t.name} (${t.id})`)
    toolSelect.replaceChildren(
      h("optgroup", { label: "Tools" }, ...tools.filter(t => !isMonitor(t)).map(option)),
      h("optgroup", { label: "Monitors (live CAN)" }, ...tools.filter(isMonitor).map(option))
    )
    showTool()
  })
}
