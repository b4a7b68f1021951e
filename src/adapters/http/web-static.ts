import { existsSync } from "node:fs"
import { readFile } from "node:fs/promises"
import path from "node:path"
import { fileURLToPath } from "node:url"

/**
 * The page's CSP: scripts, workers, styles, images and connections only from this origin. Inline
 * styles are allowed for the sandboxed report preview (its `srcdoc` inherits this policy; no inline
 * scripts), and `wasm-unsafe-eval` lets the log reader compile its WebAssembly checksum (no JS eval).
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "frame-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'"
].join("; ")

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".map": "application/json",
  ".ico": "image/x-icon"
}

/** Where the built page lives: `dist/web` beside the bundle, or the repository's `dist/web` when run from source. */
export const defaultWebRoot = (): string | null => {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const candidates = [path.join(here, "web"), path.join(here, "..", "web"), path.join(here, "../../../dist/web")]
  return candidates.find(dir => existsSync(path.join(dir, "index.html"))) ?? null
}

/** A file of the built page (`/` is index.html), with the page's CSP; null when there is no such file. */
export const serveWebFile = async (root: string, pathname: string): Promise<Response | null> => {
  const relative = pathname === "/" ? "index.html" : decodeURIComponent(pathname).replace(/^\/+/, "")
  const file = path.resolve(root, relative)
  if (!file.startsWith(path.resolve(root) + path.sep) || relative.split("/").some(part => part.startsWith("."))) return null
  const body = await readFile(file).catch(() => null)
  if (body === null) return null
  const immutable = relative.startsWith("assets/")
  return new Response(body, {
    headers: {
      "content-type": types[path.extname(file)] ?? "application/octet-stream",
      "content-security-policy": WEB_CSP,
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY",
      "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache"
    }
  })
}
