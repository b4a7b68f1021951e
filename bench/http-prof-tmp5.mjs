import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync } from "node:fs"
import http from "node:http"
import { tmpdir } from "node:os"
import path from "node:path"
const token = randomBytes(24).toString("hex")
const dir = mkdtempSync(path.join(tmpdir(), "cts-prof-"))
const child = spawn(process.execPath, [...(process.argv[2] ? ["--cpu-prof", "--cpu-prof-dir=/tmp/prof"] : []), "/work/main/bench/http-server.mjs", path.join(dir, "data"), token], { stdio: ["ignore", "pipe", "inherit"] })
const url = await new Promise((r) => child.stdout.on("data", (d) => r(String(d).trim())))
const { hostname, port } = new URL(url)
const auth = { authorization: `Bearer ${token}` }
const clients = Number(process.argv[3] ?? 500)
const run = await (await fetch(url + "/v1/runs", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ tool_id: "bench-emit-clock", params: { lines: 100, everyMs: 50, delayMs: 4000 } }) })).json()
const lat = []
const t0 = performance.now()
let connected = 0
const st0 = (await import("node:fs")).readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" "); console.log("server cpu at start s", (Number(st0[11]) + Number(st0[12])) / 100)
await Promise.all(Array.from({ length: clients }, () => new Promise((resolve, reject) => {
  http.get({ hostname, port, path: `/v1/runs/${run.id}/logs/stream`, headers: auth, agent: false }, (res) => {
    connected++
    if (connected === clients) console.log("all connected after", (performance.now() - t0).toFixed(0), "ms")
    res.setEncoding("utf8"); let buf = ""
    res.on("data", (c) => { const now = performance.timeOrigin + performance.now(); buf += c; let i; while ((i = buf.indexOf("\n\n")) >= 0) { const b = buf.slice(0, i); buf = buf.slice(i + 2); const d = /^data: (.*)$/m.exec(b)?.[1]; if (!d) continue; const e = JSON.parse(d); if (e.type === "log" && e.source === "tool") lat.push(now - Number(e.message)) } })
    res.on("end", resolve)
  }).on("error", reject)
})))
lat.sort((a, b) => a - b)
console.log("deliveries", lat.length, "p50", lat[Math.floor(lat.length * 0.5)].toFixed(1), "p99", lat[Math.floor(lat.length * 0.99)].toFixed(1), "max", lat.at(-1).toFixed(1))
const st = (await import("node:fs")).readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" "); console.log("server cpu s", (Number(st[11]) + Number(st[12])) / 100)
child.kill("SIGTERM"); await new Promise((r) => child.once("exit", r))
