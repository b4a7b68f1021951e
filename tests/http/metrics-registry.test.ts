import { describe, expect, it } from "vitest"
import { MetricsRegistry } from "../../src/adapters/http/metrics-registry.js"

describe("metrics registry", () => {
  it("renders counters, gauges and cumulative histograms in Prometheus text format", async () => {
    const r = new MetricsRegistry()
    const c = r.counter("x_total", "Things.")
    c.inc({ route: "/v1/runs/:id", status: "200" })
    c.inc({ status: "200", route: "/v1/runs/:id" }, 2)
    c.inc({ route: 'we"ird\n', status: "500" })
    const g = r.gauge("y", "Level.")
    r.onCollect(() => g.set({}, 42))
    const h = r.histogram("z_seconds", "Latency.", [0.01, 0.1])
    h.observe({}, 0.005)
    h.observe({}, 0.05)
    h.observe({}, 5)
    expect(await r.render()).toBe(
      [
        "# HELP x_total Things.",
        "# TYPE x_total counter",
        'x_total{route="/v1/runs/:id",status="200"} 3',
        'x_total{route="we\\"ird\\n",status="500"} 1',
        "# HELP y Level.",
        "# TYPE y gauge",
        "y 42",
        "# HELP z_seconds Latency.",
        "# TYPE z_seconds histogram",
        'z_seconds_bucket{le="0.01"} 1',
        'z_seconds_bucket{le="0.1"} 2',
        'z_seconds_bucket{le="+Inf"} 3',
        "z_seconds_sum 5.055",
        "z_seconds_count 3",
        ""
      ].join("\n")
    )
  })
})
