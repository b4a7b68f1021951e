/**
 * `cts-lite/log`: the data layer alone — rlog reading, CAN frames, bits, CSV dialects, DBC decoding.
 * Browser-safe: imports no Node built-in and, of effect, only `effect/Data` (the errors) and
 * `effect/Either`. Loads no services, workers or database. Node file sources and the Effect stream
 * helpers are in `cts-lite/log/node`; `cts-lite` re-exports both.
 */
export { ValidationError, ToolError, SystemError, isCtsError } from "./core/errors.js"
export type { CtsError, ErrorCategory, ErrorFields } from "./core/errors.js"
export { bitValue, changedBits, forEachChangedBit, formatLsbBitLabel, formatMsbBitLabel, globalBitFromMsb } from "./core/can/bits.js"
export { parseBitSpec, formatLsbBitSpec, formatMsbBitSpec } from "./core/can/bit-spec.js"
export type { BitSpec } from "./core/can/bit-spec.js"
export { createBitTracker } from "./core/can/bit-tracker.js"
export type { BitTracker, BitTrackerOptions, EdgeSelection, StreamBitStats } from "./core/can/bit-tracker.js"
export type { BitEdge, EdgeLog } from "./core/can/edge-log.js"
export { createChecksumCounterDetector } from "./core/can/checksum-counter-detector.js"
export type { ChecksumCounterDetector, ChecksumCounterReport, ChecksumByte, CounterField } from "./core/can/checksum-counter-detector.js"
export { readCanCsv, detectCanCsvDialect } from "./core/can/csv-reader.js"
export type { CsvFrame, CanCsvHeader, ReadCanCsvOptions } from "./core/can/csv-reader.js"
export {
  formatOldToolsRow,
  formatCabanaRow,
  formatOldToolsRows,
  formatCabanaRows,
  canCsvHeaderLine,
  OLD_TOOLS_CSV_HEADER,
  CABANA_CSV_HEADER,
  formatNsAsSeconds,
  parseSecondsToNs
} from "./core/can/csv-format.js"
export type { CanCsvDialect, CsvRowInput, OldToolsRowInput, OldToolsSegment } from "./core/can/csv-format.js"
export { parseDbc } from "./core/dbc/dbc-parser.js"
export { decodeSignal, decodeSignalRaw, decodeMessage, signalValueName } from "./core/dbc/dbc-decode.js"
export type { DecodedMessage } from "./core/dbc/dbc-decode.js"
export { encodeSignal, encodeSignalRaw, encodeMessage } from "./core/dbc/dbc-encode.js"
export { signalBits, signalsOverlap } from "./core/dbc/dbc-bits.js"
export { dbcHousekeepingBits, housekeepingRole } from "./core/dbc/dbc-checksum-counter.js"
export type { Dbc, DbcMessage, DbcSignal, ByteOrder, SignalValueType } from "./core/dbc/dbc-types.js"
export { makeCanFrame, splitSrc } from "./core/can/can-frame.js"
export type { CanFrame } from "./core/can/can-frame.js"
export { openLog } from "./core/log/open-log.js"
export type { LogReader, FrameOptions } from "./core/log/open-log.js"
export type { FrameColumns } from "./core/log/frame-pack.js"
export type { ReadOptions } from "./core/log/log-pipeline.js"
export { DEFAULT_READ_LIMITS, resolveReadLimits } from "./core/log/log-limits.js"
export type { ReadLimits } from "./core/log/log-limits.js"
export type { LogSource, ByteSource } from "./core/log/log-source.js"
export type { LogEvent, EventWhich, CarState, CruiseState, PandaState, InitData } from "./core/log/log-event.js"
export type { LogStats, LogWarning } from "./core/log/log-stats.js"
export { detectCompression } from "./core/log/compression.js"
export type { Compression } from "./core/log/compression.js"
export { EVENT_TAG_NAMES, EventTag, eventTagName, eventTagOf, isKnownEventTag } from "./core/log/event-tags.js"
