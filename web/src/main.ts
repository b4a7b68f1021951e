import { clearError, currentToken, setToken } from "./api.js"
import { renderLocal } from "./pages/local.js"
import { renderNewRun } from "./pages/new-run.js"
import { renderPanda } from "./pages/panda.js"
import { renderRun } from "./pages/run.js"
import { renderRuns } from "./pages/runs.js"

/** A page draws into `main` and returns what stops its timers and streams. */
export type Page = (main: HTMLElement, arg: string) => (() => void) | void

const pages: Record<string, Page> = { runs: renderRuns, new: renderNewRun, run: renderRun, local: renderLocal, panda: renderPanda }

let cleanup: (() => void) | void
const main = document.getElementById("main")!

const route = () => {
  const [, name = "runs", arg = ""] = /^#\/([^/]*)\/?(.*)$/.exec(location.hash) ?? []
  const page = pages[name] ?? renderRuns
  cleanup?.()
  clearError()
  main.replaceChildren()
  for (const link of document.querySelectorAll<HTMLAnchorElement>("nav a")) {
    if (link.getAttribute("href") === `#/${name}`) link.setAttribute("aria-current", "page")
    else link.removeAttribute("aria-current")
  }
  cleanup = page(main, decodeURIComponent(arg))
  main.focus()
}

const form = document.getElementById("token-form") as HTMLFormElement
const input = document.getElementById("token-input") as HTMLInputElement
input.value = currentToken()
form.addEventListener("submit", e => {
  e.preventDefault()
  setToken(input.value.trim())
  route()
})
window.addEventListener("hashchange", route)
route()
