import { Either, Schema } from "effect"
import { parseBitSpec } from "../../can/bit-spec.js"

/** A raw src value: 0–3 (+4 per extra panda) for received frames, 128+n TX echoes, 192+n rejected sends. */
export const SrcNumber = Schema.Int.pipe(Schema.between(0, 255))

/** `auto` or a raw src value. */
export const BusChoiceSchema = Schema.Union(Schema.Literal("auto"), SrcNumber)

/** A bit spec string (`0xADDR:bNN` or `0xADDR:B<byte>b<msb>`), checked when params are decoded. */
export const BitSpecString = Schema.String.pipe(
  Schema.filter(
    s =>
      Either.match(parseBitSpec(s), {
        onLeft: e => e.message,
        onRight: () => true
      }),
    { jsonSchema: { pattern: "^0x[0-9a-fA-F]{1,8}:(b\\d{1,3}|B\\d{1,2}b\\d{1,2})$" } }
  )
)

/** Non-negative seconds. */
export const Seconds = Schema.Number.pipe(Schema.finite(), Schema.nonNegative())

/** An optional param with a default and a description. */
export const withDefault = <A, I>(schema: Schema.Schema<A, I>, value: A, description: string) =>
  Schema.optionalWith(schema.annotations({ description, default: value } as Schema.Annotations.Schema<A>), {
    default: () => value
  })

/** An optional param without a default. */
export const optionalParam = <A, I>(schema: Schema.Schema<A, I>, description: string) => Schema.optional(schema.annotations({ description }))
