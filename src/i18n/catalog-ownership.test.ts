import { describe, expect, it } from 'vitest';
import { ownershipDe } from './catalog-ownership-de.ts';
import { ownershipEn } from './catalog-ownership-en.ts';
import { catalogLeaves as leaves } from './catalog-samples.ts';

/** Sample values for every function of the ownership catalogs. */
const SAMPLES: Record<string, unknown[][]> = {
  'queues.withCount': [
    ['Waiting', 1],
    ['Waiting', 1200],
  ],
  'list.waitingFor': [['4 min']],
  'list.assignedTo': [['Ana']],
  'controls.you': [['Ana']],
  'controls.snoozedUntil': [['9:00 AM']],
  'controls.failed': [['forbidden']],
  'events.took': [['Ana', 'Demo']],
  'events.handedBack': [['Demo', 'Ana']],
  'events.assigned': [['Ben', 'Ana']],
  'events.unassigned': [['Ana']],
  'events.resolved': [['Ana']],
  'events.reopened': [['Ana'], [null]],
  'events.waiting': [['Ana'], [null]],
  'events.snoozed': [
    ['Ana', '9:00 AM'],
    ['Ana', ''],
  ],
  'note.by': [['Ana']],
  'composer.noteFailed': [['offline']],
  'search.failed': [['offline']],
  'search.inThread': [['Order 42']],
  'search.count': [[1], [20]],
};

describe('the ownership catalogs', () => {
  const english = leaves(ownershipEn);
  const german = leaves(ownershipDe);

  it('have exactly the same keys, with the same kind of value under each', () => {
    expect([...german.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, value] of english) {
      expect(typeof german.get(key), key).toBe(typeof value);
      if (typeof value === 'function') expect((german.get(key) as () => unknown).length, key).toBe(value.length);
    }
  });

  it('have no empty string, and every function says something for sample values', () => {
    for (const [name, catalog] of [
      ['en', english],
      ['de', german],
    ] as const) {
      for (const [key, value] of catalog) {
        if (typeof value === 'string') {
          expect(value.trim(), `${name} ${key}`).not.toBe('');
          continue;
        }
        expect(SAMPLES[key]?.length, `samples for ${key}`).toBeGreaterThan(0);
        for (const args of SAMPLES[key] ?? []) {
          const result = (value as (...values: unknown[]) => unknown)(...args);
          expect(typeof result === 'string' && result.trim() !== '', `${name} ${key}`).toBe(true);
        }
      }
    }
  });

  it('say the timeline lines of the issue', () => {
    expect(ownershipEn.events.took('Ana', 'Demo')).toBe('Ana took over from Demo');
    expect(ownershipEn.events.resolved('Ana')).toBe('Resolved by Ana');
    expect(ownershipEn.events.assigned('Ben', 'Ana')).toBe('Assigned to Ben by Ana');
    expect(ownershipEn.events.handedBack('Demo', 'Ana')).toBe('Handed back to Demo by Ana');
    expect(ownershipDe.queues.withCount('Wartend', 1200)).toBe('Wartend, 1.200 Unterhaltungen');
  });
});
