import { describe, expect, it } from 'vitest';
import { OUTDATED_CLIENT_REASON } from '../../src/core/protocol/protocol-version.ts';
import type { OutboxItem } from '../../src/core/sync/outbox.ts';
import { ERROR_NOTICE_MS, noticeFor, RATE_LIMIT_DEFAULT_WAIT_MS, type NoticeInput } from './connection-notice.ts';
import { stringsFor } from './testing/strings.ts';

const NOW = 1_700_000_000_000;
const en = stringsFor('en');
const input = (patch: Partial<NoticeInput>): NoticeInput => ({
  connection: { status: 'open', transport: 'websocket' },
  notice: null,
  pending: [],
  historyFailed: false,
  now: NOW,
  strings: en,
  ...patch,
});

describe('noticeFor', () => {
  it('says nothing while all is well', () => {
    expect(noticeFor(input({}))).toBeNull();
    expect(noticeFor(input({ connection: { status: 'connecting', attempt: 1 } }))).toBeNull();
  });

  it('asks for a reload, with no retry, when the server speaks a newer protocol', () => {
    const outdated = noticeFor(input({ connection: { status: 'failed', reason: OUTDATED_CLIENT_REASON, code: null } }));
    expect(outdated).toEqual({
      kind: 'failed',
      text: 'A new version of the app is available — Reload',
      tone: 'error',
      action: null,
      ticking: false,
    });
  });

  it('covers every close and connection state (CONTRACT §6)', () => {
    const gone = noticeFor(input({ connection: { status: 'failed', reason: 'x', code: 4004 } }));
    expect(gone).toMatchObject({ kind: 'gone', text: 'This conversation is no longer available.', action: 'start_new' });
    expect(noticeFor(input({ connection: { status: 'failed', reason: 'x', code: 4000 } }))).toMatchObject({
      kind: 'failed',
      action: 'reconnect',
    });
    expect(noticeFor(input({ connection: { status: 'failed', reason: 'x', code: 4001 } }))).toMatchObject({ kind: 'failed' });
    expect(noticeFor(input({ connection: { status: 'paused', reason: 'idle' } }))?.text).toBe('Paused — send a message to continue.');
    expect(noticeFor(input({ connection: { status: 'offline' } }))?.kind).toBe('offline');
    const reconnecting = noticeFor(
      input({ connection: { status: 'reconnecting', attempt: 2, retryAt: NOW + 4_200, lastClose: { code: 4503, reason: '' } } }),
    );
    expect(reconnecting).toMatchObject({ text: 'Reconnecting… next try in 5 s.', action: 'retry_now', ticking: true });
    const due = noticeFor(input({ connection: { status: 'reconnecting', attempt: 2, retryAt: NOW - 1, lastClose: null } }));
    expect(due).toMatchObject({ text: 'Reconnecting…', ticking: false });
    expect(noticeFor(input({ connection: { status: 'connecting', attempt: 3 } }))?.text).toBe('Reconnecting…');
  });

  it('counts down a rate limit from the error frame, or the default wait without one', () => {
    const limited = noticeFor(input({ notice: { code: 'rate_limited', retryAfterMs: 9_000, at: NOW - 2_000 } }));
    expect(limited?.text).toBe('Too many messages; try again in 7 s.');
    const defaulted = noticeFor(input({ notice: { code: 'rate_limited', retryAfterMs: null, at: NOW } }));
    expect(defaulted?.text).toBe(`Too many messages; try again in ${RATE_LIMIT_DEFAULT_WAIT_MS / 1000} s.`);
    expect(noticeFor(input({ notice: { code: 'rate_limited', retryAfterMs: 1_000, at: NOW - 5_000 } }))).toBeNull();
  });

  it('counts down a rate-limited send waiting in the outbox', () => {
    const item = {
      status: 'queued',
      nextAttemptAt: NOW + 3_000,
      error: { code: 'rate_limited', message: '', retryable: true },
    } as OutboxItem;
    expect(noticeFor(input({ pending: [item] }))?.text).toBe('Too many messages; try again in 3 s.');
  });

  it('shows other server errors for a while, and a history that failed to load', () => {
    expect(noticeFor(input({ notice: { code: 'upstream_error', retryAfterMs: null, at: NOW } }))?.text).toBe(
      'Something went wrong. Please try again.',
    );
    expect(noticeFor(input({ notice: { code: 'upstream_error', retryAfterMs: null, at: NOW - ERROR_NOTICE_MS } }))).toBeNull();
    expect(noticeFor(input({ historyFailed: true }))).toMatchObject({ kind: 'history', action: 'reload_history' });
  });

  it('speaks German', () => {
    expect(noticeFor(input({ strings: stringsFor('de'), connection: { status: 'failed', reason: '', code: 4004 } }))?.text).toBe(
      'Dieses Gespräch ist nicht mehr verfügbar.',
    );
  });
});
