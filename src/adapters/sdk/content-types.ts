const byExtension: Record<string, string> = {
  csv: "text/csv",
  json: "application/json",
  jsonl: "application/x-ndjson",
  txt: "text/plain",
  dbc: "text/plain",
  zst: "application/zstd",
  bz2: "application/x-bzip2",
  zip: "application/zip",
  html: "text/html",
  md: "text/markdown"
}

/** Content type for a file name by its extension; `application/octet-stream` when unknown (rlogs included). */
export const contentTypeFor = (name: string): string => byExtension[name.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream"
