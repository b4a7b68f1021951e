import type { ToolWire } from "../../src/client/wire-types.js"
import { h } from "./dom.js"

const SOURCE_TEXT: Record<string, string> = {
  log: "log — the input below (upload or server path), read directly",
  simulate: "simulate — the input below, replayed by a simulated panda at recorded pace (see speed)",
  panda: "panda — a panda plugged into the server's USB, not this computer's (for a panda on this computer use Live panda); takes no input"
}

/** True for a monitor (live CAN until stopped) rather than an analyzer. */
export const isMonitor = (tool: ToolWire): boolean => tool.category === "monitor"

/**
 * What starting a monitor here means: how it ends, which sources it takes on this server (from the
 * capabilities' `sources`), and, when its only source is a panda, that it needs one on the server.
 */
export const monitorNote = (tool: ToolWire): HTMLElement[] => {
  const sources = tool.sources ?? ["panda"]
  const parts: HTMLElement[] = [
    h("p", {}, "A monitor reads CAN live and runs until you stop it (Cancel run on its page), its duration_s, or the end of its source."),
    h("p", {}, "Choose its source in the source field:"),
    h("ul", {}, ...sources.map(s => h("li", { "data-source": s }, SOURCE_TEXT[s] ?? s)))
  ]
  if (tool.requires_hardware)
    parts.push(
      h(
        "p",
        { class: "warning", id: "monitor-hardware" },
        `${tool.id} needs a panda on the server's USB: it has no log or simulated source. Without one connected to the server, the run fails (no_panda). For a panda on this computer, use Live panda.`
      )
    )
  return parts
}
