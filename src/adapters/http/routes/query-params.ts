import { ApiError } from "../api-error.js"

const badQuery = (name: string, expected: string, got: string) =>
  new ApiError(400, "invalid_query", `Query parameter "${name}" must be ${expected}; got ${JSON.stringify(got.slice(0, 100))}.`, {
    details: { parameter: name },
    suggestedAction: `Fix "${name}" (see GET /v1/openapi.json).`
  })

/** An integer query parameter in [min, max], or `fallback` when absent. */
export const intParam = (url: URL, name: string, min: number, max: number, fallback: number): number => {
  const raw = url.searchParams.get(name)
  if (raw === null || raw === "") return fallback
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) throw badQuery(name, `an integer from ${min} to ${max}`, raw)
  return n
}

/** One of `allowed`, or undefined when absent. */
export const enumParam = <T extends string>(url: URL, name: string, allowed: ReadonlyArray<T>): T | undefined => {
  const raw = url.searchParams.get(name)
  if (raw === null || raw === "") return undefined
  if (!(allowed as ReadonlyArray<string>).includes(raw)) throw badQuery(name, `one of ${allowed.join(", ")}`, raw)
  return raw as T
}

/** A short token-like string (ids, cursors), or undefined when absent. */
export const idParam = (url: URL, name: string): string | undefined => {
  const raw = url.searchParams.get(name)
  if (raw === null || raw === "") return undefined
  if (!/^[A-Za-z0-9_.:-]{1,256}$/.test(raw)) throw badQuery(name, "an id (letters, digits, _ . : -)", raw)
  return raw
}

/** The resume point of a log read: `Last-Event-ID` wins over `?after=`; default 0. */
export const afterParam = (headers: Headers, url: URL): number => {
  const header = headers.get("last-event-id")
  if (header !== null && header.trim() !== "") {
    const n = /^\d+$/.test(header.trim()) ? Number(header.trim()) : NaN
    if (!Number.isSafeInteger(n)) throw badQuery("Last-Event-ID", "a log sequence number", header)
    return n
  }
  return intParam(url, "after", 0, Number.MAX_SAFE_INTEGER, 0)
}
