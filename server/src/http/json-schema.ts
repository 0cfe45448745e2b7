import { toJsonSchema, type JsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';

/** Where a generated schema sits in the document and what it says about itself. */
export interface JsonSchemaOptions {
  /** Its `$id`, for routes to name it as `Id#`. */
  readonly id?: string;
  /** Shapes written once elsewhere in the document (`Participant#`), given as `$ref`. */
  readonly refs?: ReadonlyMap<v.GenericSchema, string>;
  /** Descriptions of its properties for the OpenAPI document, by path: `visitor`, `agents[].is_owner`. */
  readonly describe?: Readonly<Record<string, string>>;
}

/**
 * The JSON Schema of a valibot schema, as Fastify and the OpenAPI document use it. Server
 * only: the converter must never reach a client bundle.
 *
 * - A nullable field is written `type: [T, 'null']`, as before, not `anyOf`: Fastify's
 *   serializer tries each `anyOf` branch with a validator, on every response.
 * - A record (an event's `data`) is `additionalProperties: true`; an object declares no
 *   `additionalProperties`, so unknown body fields are accepted (and not stored) as before
 *   and the serializer leaves out what a shape does not declare.
 * - Checks JSON Schema cannot state (`v.check`, e.g. code points) are left to their
 *   `v.metadata` twin in the schema, which states the same limit in JSON Schema words.
 */
export function jsonSchemaOf(schema: v.GenericSchema, options: JsonSchemaOptions = {}): Record<string, unknown> {
  const converted = toJsonSchema(schema, {
    errorMode: 'ignore',
    overrideSchema: ({ valibotSchema }) => {
      const ref = valibotSchema === schema ? undefined : options.refs?.get(valibotSchema);
      if (ref !== undefined) return { $ref: ref };
      return valibotSchema.type === 'record' ? { type: 'object', additionalProperties: true } : undefined;
    },
  });
  const { $schema: _dialect, ...body } = tidy(converted) as Record<string, unknown>;
  for (const [path, description] of Object.entries(options.describe ?? {})) propertyAt(body, path).description = description;
  return options.id === undefined ? body : { $id: options.id, ...body };
}

/** The property at a path of names, `[]` stepping into a list's items. */
function propertyAt(schema: Record<string, unknown>, path: string): Record<string, unknown> {
  let node = schema;
  for (const step of path.split('.')) {
    const name = step.replace(/\[\]$/, '');
    let next = (node.properties as Record<string, Record<string, unknown>> | undefined)?.[name];
    if (next && step.endsWith('[]')) next = next.items as Record<string, unknown> | undefined;
    if (!next) throw new Error(`No property ${path} to describe`);
    node = next;
  }
  return node;
}

const isNullType = (item: JsonSchema) => typeof item === 'object' && Object.keys(item).length === 1 && item.type === 'null';

function tidy(node: JsonSchema): JsonSchema {
  if (typeof node !== 'object' || node === null) return node;
  if (Array.isArray(node)) return node.map(tidy) as unknown as JsonSchema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = typeof value === 'object' && value !== null ? tidy(value as JsonSchema) : value;
  }
  // An object of optional fields only (an agent's `theme`) says so by leaving `required` out, as before.
  if (Array.isArray(out.required) && out.required.length === 0) delete out.required;
  const anyOf = out.anyOf as JsonSchema[] | undefined;
  if (anyOf?.length === 2 && isNullType(anyOf[1]!)) {
    const other = anyOf[0] as Record<string, unknown>;
    if (typeof other.type === 'string') {
      delete out.anyOf;
      return { ...other, ...out, type: [other.type, 'null'] } as JsonSchema;
    }
  }
  return out as JsonSchema;
}
