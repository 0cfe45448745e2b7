import { describe, expect, it } from 'vitest';
import type { ApiErrorCode } from '../core/api/api-error.ts';
import { ERROR_CODES } from '../core/protocol/model.ts';
import { de } from './catalog-de.ts';
import { en, type InboxStrings } from './catalog-en.ts';

/** Every code an `ApiError` can carry. */
const API_ERROR_CODES: readonly ApiErrorCode[] = [...ERROR_CODES, 'network_error', 'timeout', 'aborted', 'invalid_response'];

/**
 * Sample values for every catalog function, shaped like the catalog: a new function without
 * samples here is a type error, so the check below covers every one.
 */
type Samples<T> = {
  [K in keyof T as T[K] extends string ? never : K]: T[K] extends (...args: infer A) => string ? readonly A[] : Samples<T[K]>;
};

const SAMPLES: Samples<InboxStrings> = {
  common: { somethingWentWrong: [['the inbox']] },
  panels: {},
  signIn: {},
  shell: {
    signedInAs: [['Alice']],
    notificationTitle: [
      ['Alice', 'Launch'],
      ['Alice', null],
    ],
    threadCannotOpen: [['gone']],
  },
  connection: {
    lostRetryIn: [[1], [30]],
    failed: [
      ['The server went away.', 1001],
      ['No reason', null],
    ],
  },
  threadList: {
    loadFailed: [['offline']],
    typing: [[['Ann']], [['Ann', 'Bob']]],
    lastMessage: [['You', 'hi']],
    unread: [[1], [120]],
  },
  visitor: { verifiedMeaning: [['jane@shop.test'], [null]], unverifiedMeaning: [['Jane'], [null]] },
  newThread: { createFailed: [['refused']] },
  thread: {
    agentSettingsOf: [['Demo Agent']],
    modeFailed: [['refused']],
    synced: [[0], [42]],
    newBelow: [[1], [5]],
    typing: [[['Ann']], [['Ann', 'Bob', 'Cy']]],
    thinking: [[['Demo Agent']], [['A', 'B']]],
    viewingNow: [[['Ann']], [['Ann', 'Bob']]],
    said: [['Ann', 'hi']],
    asksApproval: [
      ['Demo Agent', true],
      ['Demo Agent', false],
    ],
  },
  message: { notSent: [['refused'], [null]], retrying: [['offline']] },
  events: {
    joined: [['Ann']],
    modeChanged: [
      ['Ann', true],
      ['Ann', false],
    ],
    toolStarted: [['Agent', 'lookup']],
    toolCompleted: [
      ['Agent', 'lookup', 'ok'],
      ['Agent', 'lookup', ''],
    ],
    approvalPending: [['Agent', 'refund']],
    approvalResolved: [
      ['Ann', true, 'refund'],
      ['Ann', false, 'refund'],
    ],
    approvalExpired: [['refund']],
    escalated: [
      ['Agent', 'support', 'angry'],
      ['Agent', '', ''],
    ],
    runFailed: [
      ['Agent', 'timeout'],
      ['Agent', ''],
    ],
    other: [['Agent', 'custom thing']],
  },
  composer: { placeholderMention: [['Demo Agent']], newSinceWriting: [[1], [2]], tooLong: [[1], [1500]], counter: [[9500, 10000]] },
  runs: {
    status: {},
    cardLabel: [['Demo Agent']],
    escalatedTo: [
      ['support', 'angry'],
      ['support', ''],
    ],
    approvalsWaiting: [[1], [2]],
    toolCallCount: [[1], [2]],
    firstWords: [['1.2 s']],
    total: [['3.4 s']],
    elapsed: [['2 s']],
    seconds: [['1.2']],
    expiresIn: [['in 42 seconds']],
    approvedBy: [['Ann'], [null]],
    rejectedBy: [['Ann'], [null]],
    decideFailed: [
      [true, 'refused'],
      [false, 'refused'],
    ],
  },
  markdown: {},
  agents: {
    settingsTitle: [['Demo Agent']],
    settingsIntro: [['demo']],
    noSuchAgent: [['demo']],
    settingsLoadFailed: [['offline']],
    loadFailed: [
      ['agents', 'offline'],
      ['tokens', 'offline'],
    ],
    saveFailed: [['refused'], [null]],
    removeOrigin: [['https://shop.example.com']],
    origin: {
      empty: [['https://shop.example.com']],
      noScheme: [['shop.example.com']],
      notAddress: [['https://', 'https://shop.example.com']],
      badScheme: [['https://shop.example.com']],
      noHost: [['https://', 'https://shop.example.com']],
      credentials: [['https://shop.example.com']],
      hasPath: [['https://a.test', 'https://a.test/x']],
      duplicate: [['https://a.test']],
      tooMany: [[50]],
    },
    secretSet: [['Mar 4, 2026'], [null]],
    generateFailed: [['refused']],
    rotateFailed: [['refused']],
    issueFailed: [['refused']],
    tokenDates: [['Mar 4, 2026', 'never']],
    revokeLabel: [['ab12', 'Mar 4, 2026']],
    revokeTitle: [['ab12']],
    revokeFailed: [['refused']],
    revoked: [['ab12']],
  },
  apiError: API_ERROR_CODES.map((code) => [code, 'The server said no.'] as const),
};

/** Every leaf of a catalog as a dotted path → value. */
function leaves(catalog: object, prefix = ''): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const [key, value] of Object.entries(catalog)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value))
      for (const [inner, leaf] of leaves(value as object, path)) found.set(inner, leaf);
    else found.set(path, value);
  }
  return found;
}

describe('the inbox catalogs', () => {
  const english = leaves(en);
  const german = leaves(de);
  const sampleArgs = leaves(SAMPLES);

  it('have exactly the same keys', () => {
    expect([...german.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('have the same kind of value under each key (a string, or a function taking as many values)', () => {
    for (const [key, value] of english) {
      const other = german.get(key);
      expect(typeof other, key).toBe(typeof value);
      if (typeof value === 'function') expect((other as (...args: unknown[]) => unknown).length, key).toBe(value.length);
    }
  });

  it('have no empty string, and every function returns a non-empty string for sample values', () => {
    for (const [name, catalog] of [
      ['en', english],
      ['de', german],
    ] as const) {
      for (const [key, value] of catalog) {
        if (typeof value === 'string') {
          expect(value.trim(), `${name} ${key}`).not.toBe('');
          continue;
        }
        const samples = sampleArgs.get(key) as readonly unknown[][] | undefined;
        expect(samples?.length, `samples for ${key}`).toBeGreaterThan(0);
        for (const args of samples ?? []) {
          const result = (value as (...values: unknown[]) => unknown)(...args);
          expect(typeof result, `${name} ${key}`).toBe('string');
          expect((result as string).trim(), `${name} ${key}`).not.toBe('');
        }
      }
    }
  });

  it('name their locale', () => {
    expect(en.locale).toBe('en');
    expect(de.locale).toBe('de');
  });

  it('count with the language’s plural rules', () => {
    expect(en.thread.newBelow(1)).toBe('1 new message ↓');
    expect(en.thread.newBelow(2)).toBe('2 new messages ↓');
    expect(de.thread.newBelow(1)).toBe('1 neue Nachricht ↓');
    expect(de.thread.newBelow(1200)).toBe('1.200 neue Nachrichten ↓');
    expect(en.runs.toolCallCount(1)).toBe('1 tool call');
    expect(de.runs.toolCallCount(3)).toBe('3 Werkzeugaufrufe');
  });

  it('join names as the language does', () => {
    expect(en.thread.typing(['Ann', 'Bob', 'Cy'])).toBe('Ann, Bob, and Cy are typing…');
    expect(en.thread.typing(['Ann'])).toBe('Ann is typing…');
    expect(de.thread.typing(['Ann', 'Bob'])).toBe('Ann und Bob schreiben…');
  });

  it('show the server’s words for an API error in English and the code’s meaning in German', () => {
    expect(en.apiError('forbidden', 'Only owners can do this.')).toBe('Only owners can do this.');
    expect(de.apiError('forbidden', 'Only owners can do this.')).toBe('Dafür fehlt Ihnen die Berechtigung.');
  });
});
