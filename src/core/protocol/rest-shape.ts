/**
 * How a REST shape is written once and read two ways (issue 16). Each field is declared
 * with its type, limits and enums, and with how strongly each side holds to it:
 *
 * - `wire`: what the server sends. The server's JSON Schema (Fastify's serializer and the
 *   OpenAPI document) is generated from it, server-side only (`server/src/http/json-schema.ts`).
 * - `lenient`: what a client accepts. [ext] fields are optional, some have a fallback,
 *   unknown fields pass through (CONTRACT rule 1), so a seed-only server still works.
 *
 * Descriptions for the OpenAPI document are added server-side (schemas.ts): their text
 * would otherwise reach every visitor's download.
 */
import * as v from 'valibot';

type Schema = v.GenericSchema;

/** One field (or a whole shape) as the server sends it and as a client reads it. */
export interface Variants<W extends Schema = Schema, L extends Schema = Schema> {
  readonly wire: W;
  readonly lenient: L;
}

type Spec = Schema | Variants;
type WireOf<S extends Spec> = S extends Variants ? S['wire'] : S;
type LenientOf<S extends Spec> = S extends Variants ? S['lenient'] : S;

// The helpers below are marked free of side effects, so a bundle drops the shapes it never
// reads (the widget reads a few of them).
const variantsOf = <S extends Spec>(spec: S): Variants<WireOf<S>, LenientOf<S>> =>
  ('wire' in spec ? spec : { wire: spec, lenient: spec }) as Variants<WireOf<S>, LenientOf<S>>;

/** Always sent, and a client cannot do without it. */
/* @__NO_SIDE_EFFECTS__ */
export const needed = <S extends Spec>(spec: S): Variants<WireOf<S>, LenientOf<S>> => variantsOf(spec);

/** Always sent by this server; a client does without it (a seed-only server may omit it), using `fallback` if given. */
/* @__NO_SIDE_EFFECTS__ */
export function sent<S extends Spec, const D extends v.Default<LenientOf<S>, undefined> = undefined>(
  spec: S,
  fallback?: D,
): Variants<WireOf<S>, v.OptionalSchema<LenientOf<S>, D>> {
  const { wire, lenient } = variantsOf(spec);
  return { wire, lenient: v.optional(lenient, fallback as D) };
}

/** May be absent on both sides; a client uses `fallback` if given. */
/* @__NO_SIDE_EFFECTS__ */
export function maybe<S extends Spec, const D extends v.Default<LenientOf<S>, undefined> = undefined>(
  spec: S,
  fallback?: D,
): Variants<v.OptionalSchema<WireOf<S>, undefined>, v.OptionalSchema<LenientOf<S>, D>> {
  const { wire, lenient } = variantsOf(spec);
  return { wire: v.optional(wire), lenient: v.optional(lenient, fallback as D) };
}

/** A list of a field or shape, checked the same way on each side. */
/* @__NO_SIDE_EFFECTS__ */
export function listOf<S extends Spec>(spec: S): Variants<v.ArraySchema<WireOf<S>, undefined>, v.ArraySchema<LenientOf<S>, undefined>> {
  const { wire, lenient } = variantsOf(spec);
  return { wire: v.array(wire), lenient: v.array(lenient) };
}

/**
 * A list a client checks item by item (rest-schemas.ts), so one bad item is dropped, not the
 * page; the server states the items' shape.
 */
/* @__NO_SIDE_EFFECTS__ */
export function eachOf<S extends Spec>(spec: S): Variants<v.ArraySchema<WireOf<S>, undefined>, v.ArraySchema<v.UnknownSchema, undefined>> {
  return { wire: v.array(variantsOf(spec).wire), lenient: v.array(v.unknown()) };
}

/** A field or shape that may be null. */
/* @__NO_SIDE_EFFECTS__ */
export function orNull<S extends Spec>(
  spec: S,
): Variants<v.NullableSchema<WireOf<S>, undefined>, v.NullableSchema<LenientOf<S>, undefined>> {
  const { wire, lenient } = variantsOf(spec);
  return { wire: v.nullable(wire), lenient: v.nullable(lenient) };
}

type Fields = Record<string, Variants>;
type WireEntries<F extends Fields> = { [K in keyof F]: F[K]['wire'] };
type LenientEntries<F extends Fields> = { [K in keyof F]: F[K]['lenient'] };

/** A REST object: closed to what is declared on the wire, open to unknown fields for a client. */
/* @__NO_SIDE_EFFECTS__ */
export function shape<const F extends Fields>(
  fields: F,
): Variants<v.ObjectSchema<WireEntries<F>, undefined>, v.LooseObjectSchema<LenientEntries<F>, undefined>> {
  const wire = {} as Record<string, Schema>;
  const lenient = {} as Record<string, Schema>;
  for (const [key, field] of Object.entries(fields)) {
    wire[key] = field.wire;
    lenient[key] = field.lenient;
  }
  return {
    wire: v.object(wire as WireEntries<F>),
    lenient: v.looseObject(lenient as LenientEntries<F>),
  };
}

/**
 * A shape's client variant. A call, not a property read, so that a bundle which never calls
 * it for a shape can drop that shape (bundlers keep property reads, which might run getters).
 */
/* @__NO_SIDE_EFFECTS__ */
export function lenient<L extends Schema>(variants: Variants<Schema, L>): L {
  return variants.lenient;
}
