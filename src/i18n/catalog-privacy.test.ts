import { describe, expect, it } from 'vitest';
import { privacyDe } from './catalog-privacy-de.ts';
import { privacyEn } from './catalog-privacy-en.ts';
import { catalogParityTests } from './testing/catalog-parity.ts';

/** Sample values for every function of the privacy catalogs. */
const SAMPLES: Record<string, unknown[][]> = {
  messageMenu: [['Ana']],
  deleteFailed: [['forbidden']],
  exported: [['visitor-1.json']],
  exportFailed: [['offline']],
  findFailed: [['offline']],
  visitorLabel: [
    ['Ana', 'ana@example.com'],
    [null, 'ana@example.com'],
    [null, null],
  ],
  eraseSummary: [
    ['Ana', 1],
    ['Ana', 3],
  ],
  eraseFailed: [['offline']],
  auditTitle: [['Demo agent']],
  actorUser: [['u-1']],
  actorVisitor: [['v-1']],
  auditBy: [['Ana']],
  'targets.visitor': [['v-1']],
  'targets.thread': [['t-1']],
  'targets.agent': [['a-1']],
  'targets.agent_token': [['k-1']],
  'targets.webhook': [['w-1']],
  'targets.approval': [['p-1']],
  'targets.audit': [['']],
  auditOn: [['visitor v-1']],
  auditLoadFailed: [['offline']],
  olderFailed: [['offline']],
};

describe('the privacy catalogs', () => {
  catalogParityTests(privacyEn, privacyDe, (key) => SAMPLES[key]);

  it('name what an erasure deletes, in both languages', () => {
    const who = privacyEn.visitorLabel('Ana', 'ana@example.com');
    expect(privacyEn.eraseSummary(who, 2)).toBe(
      'Ana (ana@example.com) and all 2 of their conversations will be erased: every message, note and file in them.',
    );
    expect(privacyEn.eraseSummary(privacyEn.visitorLabel(null, null), 1)).toBe(
      'An anonymous visitor and their 1 conversation will be erased: every message, note and file in it.',
    );
    expect(privacyDe.eraseSummary(privacyDe.visitorLabel(null, 'ana@example.com'), 1200)).toBe(
      'ana@example.com und alle 1.200 Unterhaltungen werden gelöscht: jede Nachricht, Notiz und Datei darin.',
    );
  });
});
