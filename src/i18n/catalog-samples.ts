/**
 * Sample values for every function of the inbox catalogs, for the parity unit test and the
 * German end-to-end check (which renders the English texts to look for). Not shipped.
 */
import type { ApiErrorCode } from '../core/api/api-error.ts';
import { ERROR_CODES } from '../core/protocol/model.ts';
import type { InboxStrings } from './catalog-en.ts';

/** Every code an `ApiError` can carry. */
const API_ERROR_CODES: readonly ApiErrorCode[] = [...ERROR_CODES, 'network_error', 'timeout', 'aborted', 'invalid_response'];

/**
 * Sample values for every catalog function, shaped like the catalog: a new function without
 * samples here is a type error, so the check below covers every one.
 */
export type Samples<T> = {
  [K in keyof T as T[K] extends string ? never : K]: T[K] extends (...args: infer A) => string ? readonly A[] : Samples<T[K]>;
};

export const SAMPLES: Samples<InboxStrings> = {
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
  notifications: {},
  webhooks: {
    loadFailed: [['offline']],
    off: [['the receiver kept failing']],
    reasons: {},
    createdBy: [['Alice', '5 Dec 2026, 12:00']],
    deleteLabel: [['https://hooks.example.com/h']],
    deleted: [['https://hooks.example.com/h']],
    deleteFailed: [['offline']],
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
  visitor: { verifiedMeaning: [['jane@shop.test'], [null]], unverifiedMeaning: [['Jane'], [null]], typedLabel: [['Jane']] },
  newThread: { createFailed: [['refused']] },
  thread: {
    awaitingApproval: [[['Demo Agent']], [['Demo Agent', 'Helper']]],
    agentSettingsOf: [['Demo Agent']],
    modeFailed: [['refused']],
    syncedUpTo: [[0], [42]],
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
    note: [['Ann', 'VIP customer']],
    statusChanged: [['Ann', 'resolved']],
    tookOver: [['Ann']],
  },
  composer: { placeholderMention: [['Demo Agent']], newSinceWriting: [[1], [2]], tooLong: [[1], [1500]], counter: [[9500, 10000]] },
  runs: {
    status: {},
    queuedBehindApproval: [['Demo Agent']],
    queuedBehindRun: [['Demo Agent']],
    cardLabel: [['Demo Agent']],
    plan: [[['look up records', 'reply']]],
    planApproval: [['send an email']],
    planEscalate: [['a person']],
    escalationTargets: {},
    tools: { lookup: {}, send_email: {} },
    anyToolAction: [['lookup order']],
    anyToolRunning: [['lookup order']],
    anyToolDone: [['lookup order']],
    anyToolFailed: [['lookup order']],
    toolName: [['lookup_order']],
    approvalNeeded: [['send an email']],
    approvalFor: [['send an email']],
    escalatedTo: [
      ['support', 'angry'],
      ['support', ''],
    ],
    approvalsWaiting: [[1], [2]],
    retryRefused: {},
    retryFailed: [['Could not reach the server.']],
    earlierAttempts: [[1], [2]],
    attemptFailed: [[1, 'The agent could not finish.']],
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
  runError: [
    ['upstream_error', 'The agent could not finish.'],
    ['turn_timeout', 'Took too long.'],
    ['something_new', 'Unknown.'],
  ],
  apiError: API_ERROR_CODES.map((code) => [code, 'The server said no.'] as const),
};

/** Every leaf of a catalog (or of the samples) as a dotted path → value. */
export function catalogLeaves(catalog: object, prefix = ''): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const [key, value] of Object.entries(catalog)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value))
      for (const [inner, leaf] of catalogLeaves(value as object, path)) found.set(inner, leaf);
    else found.set(path, value);
  }
  return found;
}
