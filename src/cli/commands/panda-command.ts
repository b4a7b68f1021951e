import { resolve } from "node:path"
import { defineCommand } from "citty"
import { Effect, type Layer } from "effect"
import { fileSource } from "../../core/log/node-file-source.js"
import { openLog } from "../../core/log/open-log.js"
import { PandaDevice, type PandaHandle } from "../../core/panda/panda-device.js"
import { PandaDeviceNodeLive } from "../../core/panda/panda-device-node.js"
import { safetyModeName } from "../../core/panda/panda-protocol.js"
import { createSimulatedPanda } from "../../core/panda/simulated-panda.js"
import { commandEnv } from "../cli-context.js"

const pandaArgs = {
  serial: { type: "string", description: "The panda's serial (default: the first panda found)", valueHint: "SERIAL" },
  simulate: { type: "string", description: "Use a simulated panda replaying this rlog instead of USB", valueHint: "FILE" },
  json: { type: "boolean", description: "Machine-readable JSON on stdout" }
} as const

const layerFor = (simulate: string | undefined): Layer.Layer<PandaDevice> =>
  simulate === undefined
    ? PandaDeviceNodeLive
    : PandaDevice.layerSimulated(() => [createSimulatedPanda(openLog(fileSource(resolve(simulate))).frames()).device])

const run = async <A>(simulate: string | undefined, f: (svc: PandaDevice["Type"]) => Effect.Effect<A, unknown, any>): Promise<A> => {
  const r = await Effect.runPromise(
    Effect.either(Effect.scoped(Effect.flatMap(PandaDevice, f)).pipe(Effect.provide(layerFor(simulate))) as Effect.Effect<A, unknown>)
  )
  if (r._tag === "Left") throw r.left
  return r.right
}

const withHandle = <A>(
  args: { readonly serial?: string | undefined; readonly simulate?: string | undefined },
  f: (h: PandaHandle) => Effect.Effect<A, unknown>
) => run(args.simulate, svc => Effect.flatMap(svc.open(args.serial), f))

const hex = (n: number, digits: number) => `0x${n.toString(16).padStart(digits, "0")}`

const listCommand = defineCommand({
  meta: { name: "list", description: "List the pandas connected over USB" },
  args: { simulate: pandaArgs.simulate, json: pandaArgs.json },
  run: async ({ args }) => {
    const { out } = await commandEnv()
    const pandas = await run(args.simulate, svc => svc.list)
    if (out.json) return out.printJson(pandas)
    if (pandas.length === 0) return out.log.info("No panda found.")
    out.table(
      ["serial", "vendor", "product", "mode"],
      pandas.map(p => [p.serial, hex(p.vendorId, 4), hex(p.productId, 4), p.bootstub ? "bootstub" : "app"])
    )
  }
})

const infoCommand = defineCommand({
  meta: { name: "info", description: "Show a panda's serial, hardware, firmware and packet versions" },
  args: pandaArgs,
  run: async ({ args }) => {
    const { out } = await commandEnv()
    const info = await withHandle(args, h => Effect.succeed(h.info))
    if (out.json) return out.printJson(info)
    out.table(
      ["field", "value"],
      [
        ["serial", info.serial],
        ["hardware", `${info.hwTypeName} (${hex(info.hwType, 2)})`],
        ["firmware", info.firmwareVersion],
        ["usb id", `${hex(info.vendorId, 4)}:${hex(info.productId, 4)}`],
        ["health version", hex(info.packetVersions.health, 8)],
        ["CAN packet version", hex(info.packetVersions.can, 8)]
      ]
    )
  }
})

const healthCommand = defineCommand({
  meta: { name: "health", description: "Show a panda's health packet and each bus's CAN health" },
  args: pandaArgs,
  run: async ({ args }) => {
    const { out } = await commandEnv()
    const report = await withHandle(args, h => Effect.all({ health: h.health, can: Effect.forEach([0, 1, 2], bus => h.canHealth(bus)) }))
    if (out.json) return out.printJson(report)
    const h = report.health
    out.table(
      ["field", "value"],
      [
        ["uptime", `${h.uptime} s`],
        ["voltage", `${(h.voltage / 1000).toFixed(2)} V`],
        ["current", `${h.current} mA`],
        ["ignition", `line ${h.ignitionLine}, can ${h.ignitionCan}`],
        ["controls allowed", String(h.controlsAllowed)],
        ["safety mode", `${safetyModeName(h.safetyMode)} (param ${h.safetyParam})`],
        ["rx invalid", String(h.safetyRxInvalid)],
        ["rx checks invalid", String(h.safetyRxChecksInvalid)],
        ["tx blocked", String(h.safetyTxBlocked)],
        ["faults", hex(h.faults, 8)],
        ["heartbeat lost", String(h.heartbeatLost)],
        ["harness", String(h.carHarnessStatus)]
      ]
    )
    out.table(
      ["bus", "speed kbps", "rx frames", "tx frames", "errors", "bus off"],
      report.can.map((c, bus) => [
        String(bus),
        String(c.canSpeedKbps),
        String(c.totalRxCount),
        String(c.totalTxCount),
        String(c.totalErrorCount),
        String(c.busOffCount)
      ])
    )
  }
})

/** `cts panda list|info|health`: the pandas on this machine's USB (or a simulated one with --simulate). */
export const pandaCommand = defineCommand({
  meta: { name: "panda", description: "Inspect the comma.ai panda on this machine's USB" },
  subCommands: { list: listCommand, info: infoCommand, health: healthCommand }
})
