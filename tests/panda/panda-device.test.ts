import { existsSync } from "node:fs"
import { Chunk, Effect, Exit, type Layer, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { PandaDevice } from "../../src/core/panda/panda-device.js"
import { PandaDeviceNodeLive } from "../../src/core/panda/panda-device-node.js"
import { oracleRowsNoTime, rowOf, simulateFixture } from "./sim-support.js"

const run = <A, E>(layer: Layer.Layer<PandaDevice>, f: (svc: PandaDevice["Type"]) => Effect.Effect<A, E, any>) =>
  Effect.runPromiseExit(Effect.scoped(Effect.flatMap(PandaDevice, f)).pipe(Effect.provide(layer)) as Effect.Effect<A, E>)

const failure = (exit: Exit.Exit<unknown, unknown>) => (Exit.isFailure(exit) ? ((exit.cause as any).error ?? exit.cause) : undefined)

describe("PandaDevice over simulated pandas", () => {
  it("lists, opens, reads health and CAN health, and receives the oracle's frames as a Stream", async () => {
    const layer = PandaDevice.layerSimulated(() => [simulateFixture("subaru_cruise_demo.rlog.zst", { serial: "SIMSERIAL000000000000001" }).device])
    const exit = await run(layer, svc =>
      Effect.gen(function* () {
        const listed = yield* svc.list
        const panda = yield* svc.open()
        const frames = Chunk.toReadonlyArray(yield* panda.receive.pipe(Stream.flattenIterables, Stream.take(5000), Stream.runCollect))
        const canHealth = yield* panda.canHealth(0)
        const health = yield* panda.health
        return { listed, info: panda.info, frames, canHealth, health }
      })
    )
    expect(Exit.isSuccess(exit)).toBe(true)
    if (!Exit.isSuccess(exit)) return
    const { listed, info, frames, canHealth, health } = exit.value
    expect(listed).toEqual([{ serial: "SIMSERIAL000000000000001", vendorId: 0x3801, productId: 0xddcc, bootstub: false }])
    expect(info.serial).toBe("SIMSERIAL000000000000001")
    expect(frames.map(rowOf)).toEqual(oracleRowsNoTime("subaru_cruise_demo").slice(0, 5000))
    expect(canHealth.totalRxCount).toBeGreaterThanOrEqual(frames.filter(f => f.src === 0).length)
    expect(health.safetyMode).toBe(0)
  })

  it("a second open of the same panda shares it; a read-only and a sending handle cannot share; it is free again after scope close", async () => {
    const layer = PandaDevice.layerSimulated(() => [simulateFixture("subaru_cruise_demo.rlog.zst").device])
    const shared = await run(layer, svc =>
      Effect.gen(function* () {
        const a = yield* svc.open()
        const b = yield* svc.open()
        return a.stats === b.stats
      })
    )
    expect(shared).toEqual(Exit.succeed(true))
    const mixed = await run(layer, svc =>
      Effect.gen(function* () {
        yield* svc.open()
        return yield* svc.open(undefined, { allowSending: true })
      })
    )
    expect(failure(mixed)).toMatchObject({ code: "panda_busy" })
    const again = await run(layer, svc => Effect.scoped(svc.open()).pipe(Effect.zipRight(Effect.scoped(svc.open())), Effect.as("ok")))
    expect(Exit.isSuccess(again)).toBe(true)
  })

  it("an unknown serial is no_panda; a bootstub-only panda is panda_bootloader", async () => {
    const layer = PandaDevice.layerSimulated(() => [simulateFixture("subaru_cruise_demo.rlog.zst").device])
    expect(failure(await run(layer, svc => svc.open("NOPE")))).toMatchObject({ code: "no_panda", message: "No panda with serial NOPE found." })
    const boot = PandaDevice.layerSimulated(() => [simulateFixture("subaru_cruise_demo.rlog.zst", { productId: 0xddee }).device])
    expect(failure(await run(boot, svc => svc.open()))).toMatchObject({ code: "panda_bootloader" })
    expect(failure(await run(PandaDevice.layerSimulated([]), svc => svc.open()))).toMatchObject({
      code: "no_panda",
      suggestedAction: expect.stringContaining("udev")
    })
  })

  it("a refused open is permission_denied with the udev hint", async () => {
    const sim = simulateFixture("subaru_cruise_demo.rlog.zst")
    const device = Object.assign(Object.create(sim.device), {
      open: () => Promise.reject(new Error("LIBUSB_ERROR_ACCESS: Access denied (insufficient permissions)"))
    })
    const err = failure(await run(PandaDevice.layerSimulated([device]), svc => svc.open()))
    expect(err).toMatchObject({ code: "permission_denied", suggestedAction: expect.stringContaining("/etc/udev/rules.d/") })
  })
})

describe("PandaDevice in Node (usb package)", () => {
  it.skipIf(existsSync("/sys/bus/usb/devices"))("on a machine without a USB subsystem, list and open fail with no_panda and the udev hint", async () => {
    for (const f of [
      (svc: PandaDevice["Type"]) => svc.list as Effect.Effect<unknown, unknown, any>,
      (svc: PandaDevice["Type"]) => svc.open() as Effect.Effect<unknown, unknown, any>
    ]) {
      const err = failure(await run(PandaDeviceNodeLive, f))
      expect(err).toMatchObject({ _tag: "SystemError", code: "no_panda" })
      expect(err.message).toMatch(/^No panda found/)
      expect(err.suggestedAction).toContain("udev")
    }
  })
})
