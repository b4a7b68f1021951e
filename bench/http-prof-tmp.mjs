import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import autocannon from "autocannon"
const token = randomBytes(24).toString("hex")
const dir = mkdtempSync(path.join(tmpdir(), "cts-prof-"))
const child = spawn(process.execPath, ["--cpu-prof", "--cpu-prof-dir=/tmp/prof", "/work/main/bench/http-server.mjs", path.join(dir, "data"), token], { stdio: ["ignore", "pipe", "inherit"] })
const url = await new Promise((r) => child.stdout.on("data", (d) => r(String(d).trim())))
const auth = { authorization: `Bearer ${token}` }
const run = await (await fetch(url + "/v1/runs", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ tool_id: "bench-emit-clock", params: { lines: 1, everyMs: 0, delayMs: 0 } }) })).json()
await new Promise((r) => setTimeout(r, 1500))
const t = process.cpuUsage()
const res = await autocannon({ url: `${url}/v1/runs/${run.id}`, headers: auth, connections: 10, amount: 20000 })
console.log("req/s", res.requests.average, "p99", res.latency.p99, "p50", res.latency.p50)
child.kill("SIGTERM")
await new Promise((r) => child.once("exit", r))
