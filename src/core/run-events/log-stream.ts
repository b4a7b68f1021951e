import { Context } from "effect"
import type { Effect, Scope, Stream } from "effect"
import type { CtsError } from "../../model/errors.js"
import type { RunEvent, RunEventInput } from "../../model/run-event.js"

/** The event types moved to `src/model/run-event.ts`; re-exported here for code written against this module. */
export type { RunEvent, RunEventInput } from "../../model/run-event.js"

/** Sequenced, persisted, live-fanned-out run events. */
export interface LogStreamService {
  readonly append: (runId: string, event: RunEventInput) => Effect.Effect<RunEvent, CtsError>
  /** Persisted events with seq > after, at most `limit`. */
  readonly read: (runId: string, after: number, limit?: number) => Effect.Effect<ReadonlyArray<RunEvent>, CtsError>
  /** Replay from seq > after, then live; ends after the `end` event. No gap, no duplicate. */
  readonly subscribe: (runId: string, after: number) => Stream.Stream<RunEvent, CtsError>
  /**
   * Joins, for the lifetime of the scope, the `status` and `progress` events of every run as they are
   * appended — through this LogStream, or (with a bus that spans processes) by any other node — live
   * only: a feed of run changes, each as the run id and the event's seq. Bounded and sliding per
   * subscriber (a slow one loses older changes, never the newest).
   */
  readonly changes: Effect.Effect<Stream.Stream<{ readonly runId: string; readonly seq: number }>, never, Scope.Scope>
}

export class LogStream extends Context.Tag("cts/LogStream")<LogStream, LogStreamService>() {}
