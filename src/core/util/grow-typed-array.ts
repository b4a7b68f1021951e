/** The typed arrays that growable columns (trackers, edge logs, frame caches, series) are kept in. */
export type GrowableTypedArray = Uint8Array | Uint16Array | Uint32Array | Float64Array

/**
 * A new array of the same type with `length` elements: `array`'s elements first, zeros after.
 * The one step of every growable typed-array column (double the capacity, copy, keep going).
 */
export const growTypedArray = <A extends GrowableTypedArray>(array: A, length: number): A => {
  const next = new (array.constructor as new (length: number) => A)(length)
  next.set(array)
  return next
}
