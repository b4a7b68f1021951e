import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync } from "node:fs"
import http from "node:http"
import { tmpdir } from "node:os"
import path from "node:path"
import { Readable } from "node:stream"
const token = randomBytes(24).toString("hex")
const dir = mkdtempSync(path.join(tmpdir(), "cts-prof-"))
const child = spawn(process.execPath, [...(process.argv[2] ? ["--cpu-prof", "--cpu-prof-dir=/tmp/prof"] : []), "/work/main/bench/http-server.mjs", path.join(dir, "data"), token], { stdio: ["ignore", "pipe", "inherit"] })
const url = await new Promise((r) => child.stdout.on("data", (d) => r(String(d).trim())))
const { hostname, port } = new URL(url)
const auth = { authorization: `Bearer ${token}` }
const bytes = 256 * 1024 * 1024
const block = randomBytes(1024 * 1024)
let sent = 0
const body = Readable.from((function* () { while (sent < bytes) { sent += block.length; yield block } })())
const up = await fetch(`${url}/v1/uploads?name=bench.bin`, { method: "POST", headers: { ...auth, "content-length": String(bytes) }, body: Readable.toWeb(body), duplex: "half" }).then((r) => r.json())
const cpu = () => { const st = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" "); return (Number(st[11]) + Number(st[12])) / 100 }
const c0 = cpu()
for (let i = 0; i < 3; i++) {
  const t = performance.now()
  await new Promise((resolve) => http.get({ hostname, port, path: `/v1/artifacts/${up.id}/download`, headers: auth }, (res) => { res.on("data", () => {}); res.on("end", resolve) }))
  console.log("MB/s", (bytes / 1e6 / ((performance.now() - t) / 1000)).toFixed(0))
}
console.log("server cpu s per GB", ((cpu() - c0) / (3 * bytes / 1e9)).toFixed(2))
child.kill("SIGTERM"); await new Promise((r) => child.once("exit", r))
