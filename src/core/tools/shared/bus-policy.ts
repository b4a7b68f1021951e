import { addressHex } from "./bit-columns.js"

/** `auto`, or one raw src value (0–255; 128+n are TX echoes of bus n, 192+n rejected sends). */
export type BusChoice = "auto" | number

/** Frame counts: raw src → address → frames. */
export type FrameCounts = ReadonlyMap<number, ReadonlyMap<number, number>>

/**
 * Which bus (raw src) each address is analysed on. `auto`: among received frames (src < 128), the
 * bus with the most frames of that address, ties to the lower src; TX echoes and rejected sends
 * are left out (they repeat frames openpilot sent). A number: exactly that src.
 */
export const chooseBusByAddress = (counts: FrameCounts, choice: BusChoice): Map<number, number> => {
  const best = new Map<number, { src: number; n: number }>()
  for (const [src, perAddress] of counts) {
    if (choice === "auto" ? src >= 128 : src !== choice) continue
    for (const [address, n] of perAddress) {
      const cur = best.get(address)
      if (!cur || n > cur.n || (n === cur.n && src < cur.src)) best.set(address, { src, n })
    }
  }
  return new Map([...best].map(([address, v]) => [address, v.src]))
}

/** The bus map as the old tools' `id_bus_map` metadata (`{"0x146": 0, …}`), addresses ascending. */
export const idBusMapJson = (map: ReadonlyMap<number, number>): Record<string, number> =>
  Object.fromEntries([...map].sort((a, b) => a[0] - b[0]).map(([a, s]) => [addressHex(a), s]))

/** Human-readable policy name for metadata. */
export const busPolicyName = (choice: BusChoice): string =>
  choice === "auto" ? "auto=max-frames (received frames only; echoes excluded)" : `explicit=${choice}`

/** Total frames on one src, or on every received src for `auto`. */
export const framesOnChoice = (counts: FrameCounts, choice: BusChoice): number => {
  let n = 0
  for (const [src, perAddress] of counts) {
    if (choice === "auto" ? src >= 128 : src !== choice) continue
    for (const c of perAddress.values()) n += c
  }
  return n
}
