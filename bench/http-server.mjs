// Starts the built HTTP server for the benchmark in its own process and prints its URL on stdout.
import { startServer } from "../dist/index.js"

const [dataDir, token] = process.argv.slice(2)
const server = await startServer({
  env: {},
  configFile: null,
  host: "127.0.0.1",
  port: 0,
  tokens: [{ principal: "bench", token }],
  rateLimit: null,
  maxUploadBytes: 4 * 1024 ** 3,
  core: { dataDir, concurrency: 2, inputRoots: [], extraToolModules: [new URL("./http-tools.mjs", import.meta.url).href] }
})
process.stdout.write(`${server.url}\n`)
process.on("SIGTERM", () => server.close().then(() => process.exit(0)))
