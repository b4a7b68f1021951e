import type { ArtifactWire, InputWire } from "../../src/client/wire-types.js"
import { currentToken } from "./api.js"
import { errorFromResponse } from "../../src/client/api-error.js"

/**
 * Uploads a file with progress (fetch has no upload progress, so this one request uses XMLHttpRequest);
 * failures are the API's errors, as from the client.
 */
export const uploadWithProgress = (file: File, onProgress: (fraction: number) => void): Promise<ArtifactWire & { input: InputWire }> =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open("POST", `/v1/uploads?name=${encodeURIComponent(file.name)}`)
    const token = currentToken()
    if (token) xhr.setRequestHeader("authorization", `Bearer ${token}`)
    xhr.setRequestHeader("content-type", "application/octet-stream")
    xhr.upload.onprogress = e => e.lengthComputable && onProgress(e.loaded / e.total)
    xhr.onerror = () => reject(new Error("The upload failed: the server could not be reached."))
    xhr.onload = async () => {
      const response = new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText })
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText))
      else reject(await errorFromResponse(response, "Upload"))
    }
    xhr.send(file)
  })

/** Makes `zone` accept a dropped file; a click on it, or its "Choose file" button (keyboard), opens the file picker `input`. */
export const dropZone = (zone: HTMLElement, input: HTMLInputElement, onFile: (file: File) => void): void => {
  const choose = document.createElement("button")
  choose.type = "button"
  choose.className = "choose-file"
  choose.textContent = "Choose file…"
  zone.append(" ", choose)
  zone.addEventListener("dragover", e => (e.preventDefault(), zone.classList.add("over")))
  zone.addEventListener("dragleave", () => zone.classList.remove("over"))
  zone.addEventListener("drop", e => {
    e.preventDefault()
    zone.classList.remove("over")
    const file = e.dataTransfer?.files[0]
    if (file) onFile(file)
  })
  zone.addEventListener("click", () => input.click())
  input.addEventListener("change", () => input.files?.[0] && onFile(input.files[0]))
}
