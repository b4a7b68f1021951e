import { H3, serve } from "h3"
import autocannon from "autocannon"
const app = new H3().get("/x", () => ({ id: "run_123", status: "completed", params: { a: 1 }, inputs: [], links: { self: "http://x" } }))
const server = serve(app, { hostname: "127.0.0.1", port: 0, silent: true, gracefulShutdown: false })
await server.ready()
const url = server.url
const res = await autocannon({ url: `${url}x`, connections: 10, amount: 20000 })
console.log("baseline h3 in-process req/s", res.requests.average, "p99", res.latency.p99, "p50", res.latency.p50)
await server.close(true)
