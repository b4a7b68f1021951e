import path from "node:path"
import { describe, expect, it } from "vitest"
import { rlogPath } from "../support/shared-data.js"
import { json, runCts, startServe, useSandbox } from "./cli-harness.js"

const demo = rlogPath("subaru_cruise_demo.rlog.zst")

describe("cts panda (real process)", () => {
  const box = useSandbox()

  it("without USB: no panda found, with the udev rule hint, as a typed JSON error", async () => {
    const r = await runCts(["panda", "list", "--json"], { env: box.env })
    if (r.code === 0) return expect(json(r)).toEqual([])
    expect(json(r).error).toMatchObject({ code: "no_panda", category: "system_error" })
    expect(json(r).error.suggested_actions[0]).toContain("/etc/udev/rules.d/")
  })

  it("info and health of a simulated panda over the protocol path", async () => {
    const info = json(await runCts(["panda", "info", "--simulate", demo, "--json"], { env: box.env }))
    expect(info).toMatchObject({
      serial: "5ab0c0de5ab0c0de5ab0c0de",
      hwTypeName: "tres",
      vendorId: 0x3801,
      productId: 0xddcc,
      packetVersions: { health: 0xf63f9de2 }
    })
    const health = json(await runCts(["panda", "health", "--simulate", demo, "--json"], { env: box.env }))
    expect(health.health).toMatchObject({ voltage: 12150, safetyMode: 0, ignitionLine: 1 })
    expect(health.can).toHaveLength(3)
    const table = await runCts(["panda", "health", "--simulate", demo], { env: box.env })
    expect(table.stdout).toMatch(/safety mode\s+silent \(param 0\)/)
  })
})

describe("cts mon (real process)", () => {
  const box = useSandbox()

  it("embedded: start runs a monitor on a simulated panda to the end; ls lists it; follow replays its events", async () => {
    const started = json(
      await runCts(["mon", "start", "can-bus-check", "--simulate", demo, "-p", "speed=0", "-p", "preset=subaru-global", "--json"], { env: box.env })
    )
    expect(started.run).toMatchObject({
      toolId: "can-bus-check",
      status: "completed",
      summary: { frames: 101_640, frames_received: 101_640, missing_throughout: [] }
    })
    const ls = json(await runCts(["mon", "ls", "--json"], { env: box.env }))
    expect(ls.items.map((r: { id: string }) => r.id)).toContain(started.run.id)
    const follow = await runCts(["mon", "follow", started.run.id], { env: box.env })
    expect(follow.code).toBe(0)
    expect(follow.stdout).toMatch(/can-bus-check reading simulated panda replaying subaru_cruise_demo\.rlog\.zst/)
    expect(follow.stdout).toMatch(/end\s+completed/)
  })

  it("--panda on a machine without one fails the run with no_panda; two sources are a usage error", async () => {
    const r = await runCts(["mon", "start", "can-bus-check", "--panda", "ABC", "--json"], { env: box.env })
    expect(json(r).run).toMatchObject({ status: "failed", error: { code: "no_panda" } })
    const both = await runCts(["mon", "start", "can-bus-check", "--path", demo, "--simulate", demo], { env: box.env })
    expect(both.code).not.toBe(0)
    expect(both.stderr).toContain("Give only one of --panda, --simulate and --path")
  })

  it("remote: start returns at once, stop ends the live capture, follow shows the end", async () => {
    const env = { ...box.env, CTS_INPUT_ROOTS: path.dirname(demo) }
    const server = await startServe(env)
    try {
      const started = json(await runCts(["mon", "start", "can-capture", "--simulate", demo, "-p", "segment_s=1", "--server", server.url, "--json"], { env }))
      const id = started.run.id as string
      expect(started.run.status).toMatch(/queued|running/)
      for (let i = 0; i < 100; i++) {
        const run = json(await runCts(["runs", "get", id, "--server", server.url, "--json"], { env }))
        if (run.artifactIds.length > 0) break
        await new Promise(r => setTimeout(r, 200))
      }
      const stop = json(await runCts(["mon", "stop", id, "--server", server.url, "--json"], { env }))
      expect(stop).toMatchObject({ outcome: "canceled", run: { status: "canceled" } })
      expect(stop.run.artifactIds.length).toBeGreaterThan(0)
      const follow = await runCts(["mon", "follow", id, "--server", server.url], { env })
      expect(follow.stdout).toMatch(/end\s+canceled/)
    } finally {
      await server.stop()
    }
  })
})
