import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { maybe, needed, sent, shape } from '../../../src/core/protocol/rest-shape.ts';
import { jsonSchemaOf } from './json-schema.ts';

describe('jsonSchemaOf', () => {
  const limit = (max: number) =>
    shape({
      count: needed(v.pipe(v.number(), v.integer(), v.maxValue(max))),
      label: sent(v.nullable(v.string()), null),
      data: maybe(v.record(v.string(), v.unknown())),
    });

  it('changes the server schema and the client parse together when a field of the one definition changes', () => {
    for (const max of [3, 5]) {
      const { wire, lenient } = limit(max);
      expect(jsonSchemaOf(wire, { id: 'Limited', describe: { label: 'A label' } })).toEqual({
        $id: 'Limited',
        type: 'object',
        properties: {
          count: { type: 'integer', maximum: max },
          label: { type: ['string', 'null'], description: 'A label' },
          data: { type: 'object', additionalProperties: true },
        },
        required: ['count', 'label'],
      });
      expect(v.safeParse(lenient, { count: max }).output).toEqual({ count: max, label: null });
      expect(v.safeParse(lenient, { count: max + 1 }).success).toBe(false);
    }
  });

  it('names a shape written elsewhere by its $ref, and keeps unknown fields for the client only', () => {
    const inner = shape({ id: needed(v.string()) });
    const outer = shape({ inner: needed(inner) });
    expect(jsonSchemaOf(outer.wire, { refs: new Map([[inner.wire, 'Inner#']]) })).toEqual({
      type: 'object',
      properties: { inner: { $ref: 'Inner#' } },
      required: ['inner'],
    });
    expect(v.parse(outer.lenient, { inner: { id: 'a', extra: 1 } })).toEqual({ inner: { id: 'a', extra: 1 } });
  });
});
