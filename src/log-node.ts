/**
 * `cts-lite/log/node`: the parts of the data layer that need Node or build on Effect — log files on
 * disk, the bundled DBCs, and the reader as Effect Streams. `cts-lite/log` is the browser-safe rest;
 * `cts-lite` re-exports both.
 */
export { CtsErrorSchema } from "./model/error-schema.js"
export { canCsvStream } from "./core/can/csv-stream.js"
export { parseDbcSource } from "./core/dbc/dbc-source.js"
export { loadBundledDbc, listBundledDbcs } from "./core/dbc/bundled-dbc.js"
export { frameStream, eventStream } from "./core/log/log-stream-effect.js"
export type { LogStreamOptions } from "./core/log/log-stream-effect.js"
export { fileSource, routeSource } from "./core/log/node-file-source.js"
export { readRouteFrames } from "./core/log/parallel-route.js"
export type { RouteReadOptions, RouteFrameReader } from "./core/log/parallel-route.js"
