import { describe, expect, it } from 'vitest';
import * as schemas from './schemas.ts';

/** Every `enum` list anywhere inside a JSON Schema, with the path that leads to it. */
function enumsIn(node: unknown, path: string, found: { path: string; values: unknown[] }[] = []) {
  if (Array.isArray(node)) node.forEach((item, index) => enumsIn(item, `${path}[${index}]`, found));
  else if (node && typeof node === 'object')
    for (const [key, value] of Object.entries(node)) {
      if (key === 'enum' && Array.isArray(value)) found.push({ path, values: value });
      else enumsIn(value, `${path}.${key}`, found);
    }
  return found;
}

describe('the REST JSON Schemas', () => {
  // Fastify refuses to start on an enum with a repeated value (its serializer's schema check).
  it('list every enum value once', () => {
    const repeated = enumsIn(schemas, 'schemas')
      .filter(({ values }) => new Set(values).size !== values.length)
      .map(({ path, values }) => `${path}: ${values.join(', ')}`);
    expect(repeated).toEqual([]);
  });

  it('let a visitor’s history carry the hidden placeholder and every durable event type', () => {
    const found = enumsIn(schemas.publicPollResponse, 'publicPollResponse');
    expect(found).toHaveLength(1);
    expect(found[0]!.values).toContain('hidden');
    expect(found[0]!.values).toContain('message_committed');
  });
});
