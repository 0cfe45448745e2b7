import type { ConnectionState } from '../../src/core/connection/connection.ts';
import { CloseCode } from '../../src/core/protocol/limits.ts';
import { OUTDATED_CLIENT_REASON } from '../../src/core/protocol/protocol-version.ts';
import type { OutboxItem } from '../../src/core/sync/outbox.ts';
import type { PanelStrings } from './i18n.ts';
import type { ServerNotice } from './visitor-session.ts';

/** A `rate_limited` error without `retry_after_ms` waits this long: the server counts per minute. */
export const RATE_LIMIT_DEFAULT_WAIT_MS = 60_000;
/** Other server errors (a reply that failed upstream, say) are shown this long. */
export const ERROR_NOTICE_MS = 10_000;

/** The server speaks a newer protocol: one plain sentence, untranslated to keep the visitor download tiny. */
export const OUTDATED_TEXT = 'A new version of the app is available — Reload';

/** What the visitor can do about it: skip the wait, reconnect, or start a new conversation. */
export type NoticeAction = 'retry_now' | 'reconnect' | 'start_new' | 'reload_history';

export interface Notice {
  /** Which problem this is: the same kind with a new countdown is the same notice. */
  kind: 'gone' | 'failed' | 'paused' | 'offline' | 'reconnecting' | 'rate_limited' | 'history' | 'error';
  text: string;
  tone: 'info' | 'error';
  action: NoticeAction | null;
  /** The text counts down: re-render every second while shown. */
  ticking: boolean;
}

export interface NoticeInput {
  connection: ConnectionState;
  notice: ServerNotice | null;
  pending: readonly OutboxItem[];
  /** The thread's history could not be loaded (and will not be retried on its own). */
  historyFailed: boolean;
  now: number;
  strings: PanelStrings;
}

const secondsUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / 1000));

/**
 * The one line above the composer that says what is wrong, if anything (CONTRACT §6 close
 * and error codes): the most important problem wins.
 */
export function noticeFor({ connection, notice, pending, historyFailed, now, strings }: NoticeInput): Notice | null {
  switch (connection.status) {
    case 'failed':
      if (connection.reason === OUTDATED_CLIENT_REASON)
        return { kind: 'failed', text: OUTDATED_TEXT, tone: 'error', action: null, ticking: false };
      // 4004: the thread is gone or is not this visitor's; no retry can change that.
      return connection.code === CloseCode.notFound
        ? { kind: 'gone', text: strings.gone, tone: 'error', action: 'start_new', ticking: false }
        : { kind: 'failed', text: strings.connectFailed, tone: 'error', action: 'reconnect', ticking: false };
    case 'paused':
      return { kind: 'paused', text: strings.paused, tone: 'info', action: null, ticking: false };
    case 'offline':
      return { kind: 'offline', text: strings.offline, tone: 'info', action: null, ticking: false };
    case 'reconnecting': {
      const waiting = connection.retryAt > now;
      return {
        kind: 'reconnecting',
        text: waiting ? strings.reconnectingIn(secondsUntil(connection.retryAt, now)) : strings.reconnecting,
        tone: 'info',
        action: 'retry_now',
        ticking: waiting,
      };
    }
    case 'connecting':
      if (connection.attempt > 1) return { kind: 'reconnecting', text: strings.reconnecting, tone: 'info', action: null, ticking: false };
      break;
    case 'open':
      break;
  }

  let limitedUntil = 0;
  if (notice?.code === 'rate_limited') limitedUntil = notice.at + (notice.retryAfterMs ?? RATE_LIMIT_DEFAULT_WAIT_MS);
  for (const item of pending)
    if (item.error?.code === 'rate_limited' && item.status === 'queued') limitedUntil = Math.max(limitedUntil, item.nextAttemptAt);
  if (limitedUntil > now)
    return { kind: 'rate_limited', text: strings.rateLimited(secondsUntil(limitedUntil, now)), tone: 'error', action: null, ticking: true };

  if (historyFailed) return { kind: 'history', text: strings.unavailable, tone: 'error', action: 'reload_history', ticking: false };

  if (notice && notice.code !== 'rate_limited' && now < notice.at + ERROR_NOTICE_MS) {
    return { kind: 'error', text: strings.agentError, tone: 'error', action: null, ticking: true };
  }
  return null;
}
