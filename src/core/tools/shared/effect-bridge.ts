import { Effect, Either } from "effect"

/** Runs an Effect from async tool code, throwing its typed failure (caught by `runToolAsync`). */
export const runOrThrow = async <A, E>(effect: Effect.Effect<A, E>): Promise<A> => {
  const result = await Effect.runPromise(Effect.either(effect))
  if (Either.isLeft(result)) throw result.left
  return result.right
}
