import { Cause, type Effect, Exit, Option, Scope, Stream, type ManagedRuntime } from "effect"
import { SystemError, isCtsError, type CtsError } from "../../core/errors.js"

/** The typed error inside a failed Exit (a CtsError), or a SystemError describing a defect. */
export const errorOfCause = (cause: Cause.Cause<unknown>): CtsError => {
  const failure = Cause.failureOption(cause)
  const error = Option.isSome(failure) ? failure.value : Cause.squash(cause)
  if (isCtsError(error)) return error
  if (Cause.isInterruptedOnly(cause)) return new SystemError({ code: "interrupted", message: "The operation was interrupted (the client is closing)" })
  return new SystemError({ code: "internal_error", message: `Unexpected failure: ${error instanceof Error ? error.message : String(error)}` })
}

/** Runs an effect on the runtime; rejects with the CtsError itself (never a FiberFailure wrapper). */
export const runOrThrow = async <A, R>(runtime: ManagedRuntime.ManagedRuntime<R, CtsError>, effect: Effect.Effect<A, CtsError, R>): Promise<A> => {
  const exit = await runtime.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return exit.value
  throw errorOfCause(exit.cause)
}

/** An Effect Stream as an async iterable; leaving the loop early releases the stream's resources. */
export async function* iterateStream<A, R>(
  runtime: ManagedRuntime.ManagedRuntime<R, CtsError>,
  stream: Stream.Stream<A, CtsError, R>
): AsyncGenerator<A, void, undefined> {
  const scope = await runOrThrow(runtime, Scope.make())
  try {
    const pull = await runOrThrow(runtime, Scope.extend(Stream.toPull(stream), scope))
    for (;;) {
      const exit = await runtime.runPromiseExit(pull)
      if (Exit.isFailure(exit)) {
        const failure = Cause.failureOption(exit.cause as Cause.Cause<Option.Option<CtsError>>)
        if (Option.isSome(failure) && Option.isNone(failure.value)) return
        throw errorOfCause(Option.isSome(failure) && Option.isSome(failure.value) ? Cause.fail(failure.value.value) : exit.cause)
      }
      for (const item of exit.value) yield item
    }
  } finally {
    await runtime.runPromise(Scope.close(scope, Exit.void)).catch(() => undefined)
  }
}

/** An async iterable of bytes as a web ReadableStream (pull-based, so back-pressure reaches the source). */
export const toWebStream = (source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> => {
  const iterator = source[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next()
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
    async cancel() {
      await iterator.return?.()
    }
  })
}
