#!/usr/bin/env node
// Colours only on a terminal: set NO_COLOR before the CLI's libraries read it.
if (!process.stdout.isTTY && process.env.FORCE_COLOR === undefined && process.env.NO_COLOR === undefined) {
  process.env.NO_COLOR = "1"
}
const entry = new URL("../dist/cli.js", import.meta.url)
try {
  await import(entry.href)
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes(entry.pathname)) {
    process.stderr.write("cts: the package is not built (dist/cli.js is missing). Run `npm run build` in the cts-lite folder.\n")
    process.exit(1)
  }
  throw error
}
