import { describe, expect, it } from 'vitest';
import { ownershipDe } from './catalog-ownership-de.ts';
import { ownershipEn } from './catalog-ownership-en.ts';
import { catalogParityTests } from './testing/catalog-parity.ts';

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
  'search.moreFailed': [['offline']],
  'search.inThread': [['Order 42']],
  'search.count': [[1], [20]],
};

describe('the ownership catalogs', () => {
  catalogParityTests(ownershipEn, ownershipDe, (key) => SAMPLES[key]);

  it('say the timeline lines of the issue', () => {
    expect(ownershipEn.events.took('Ana', 'Demo')).toBe('Ana took over from Demo');
    expect(ownershipEn.events.resolved('Ana')).toBe('Resolved by Ana');
    expect(ownershipEn.events.assigned('Ben', 'Ana')).toBe('Assigned to Ben by Ana');
    expect(ownershipEn.events.handedBack('Demo', 'Ana')).toBe('Handed back to Demo by Ana');
    expect(ownershipDe.queues.withCount('Wartend', 1200)).toBe('Wartend, 1.200 Unterhaltungen');
  });
});
