import { describe, expect, it } from 'vitest';
import type { PushPayload } from '../protocol/notifications.ts';
import {
  clickPlan,
  decisionOutcome,
  DONE_IDS_KEPT,
  doneEntry,
  isInboxUrl,
  outcomeNotification,
  pushLanguage,
  pushNotification,
  rememberDone,
  shouldShowPush,
  threadUrl,
  type PushWords,
} from './push-notification.ts';

const WORDS: PushWords = {
  open: 'Open',
  approve: 'Approve',
  reject: 'Reject',
  approved: 'Approved',
  rejected: 'Rejected',
  alreadyDecided: 'Already decided',
  expired: 'This approval expired',
  failed: 'Failed',
};
const SCOPE = 'https://chat.example.com/';
const approval: PushPayload = {
  notification_id: 'n-1',
  kind: 'approval_pending',
  thread_id: 't-1',
  thread_seq: 7,
  title: 'Approval needed',
  body: 'demo wants to send an email',
  actions: { approval_id: 'a-1', action_token: 'ama2_act_abc' },
};
const mention: PushPayload = {
  notification_id: 'n-2',
  kind: 'mention',
  thread_id: 't-2',
  thread_seq: 3,
  title: 'Bob mentioned you',
  body: 'hi',
};

describe('pushNotification', () => {
  it('an approval with its token: Approve, Reject and Open, tagged with the notification id', () => {
    expect(pushNotification(approval, WORDS, 'en', 3)).toEqual({
      title: 'Approval needed',
      options: {
        body: 'demo wants to send an email',
        tag: 'n-1',
        renotify: false,
        lang: 'en',
        data: { payload: approval },
        actions: [
          { action: 'approve', title: 'Approve' },
          { action: 'reject', title: 'Reject' },
          { action: 'open', title: 'Open' },
        ],
      },
    });
  });

  it('as many buttons as the browser shows, the decision first (a click on the body opens the thread)', () => {
    expect(pushNotification(approval, WORDS, 'en').options.actions.map((item) => item.action)).toEqual(['approve', 'reject']);
    expect(pushNotification(approval, WORDS, 'en', 0).options.actions).toEqual([]);
    expect(pushNotification(mention, WORDS, 'en', 1).options.actions).toEqual([{ action: 'open', title: 'Open' }]);
  });

  it('anything else (or an approval without a token): Open only', () => {
    expect(pushNotification(mention, WORDS, 'de').options.actions).toEqual([{ action: 'open', title: 'Open' }]);
    const { actions: _token, ...noToken } = approval;
    expect(pushNotification(noToken, WORDS, 'en').options.actions).toEqual([{ action: 'open', title: 'Open' }]);
  });
});

describe('shouldShowPush', () => {
  const inbox = (visibilityState: string, url = `${SCOPE}#/thread/t-9`) => ({ url, visibilityState });

  it('shows while no inbox tab is visible', () => {
    expect(shouldShowPush(approval, [], SCOPE, [])).toBe(true);
    expect(shouldShowPush(approval, [inbox('hidden'), inbox('hidden', SCOPE)], SCOPE, [])).toBe(true);
  });

  it('shows nothing while an inbox tab is visible: that tab tells the user', () => {
    expect(shouldShowPush(approval, [inbox('hidden'), inbox('visible')], SCOPE, [])).toBe(false);
    expect(shouldShowPush(approval, [inbox('visible', `${SCOPE}index.html`)], SCOPE, [])).toBe(false);
  });

  it('a visible page of the origin that is not the inbox (the widget demo) does not count', () => {
    expect(shouldShowPush(approval, [inbox('visible', `${SCOPE}widget-demo.html`)], SCOPE, [])).toBe(true);
  });

  it('shows nothing for a notification already decided or opened here (a repeated delivery)', () => {
    expect(shouldShowPush(approval, [], SCOPE, ['n-0', 'n-1'])).toBe(false);
    expect(shouldShowPush(approval, [], SCOPE, [doneEntry(approval)])).toBe(false);
  });

  it('a `message` notification updated past the seq opened here (same id, newer messages) shows again, alerting anew', () => {
    const message: PushPayload = { ...mention, kind: 'message', title: 'New message from Bob' };
    const done = rememberDone([], doneEntry(message));
    expect(shouldShowPush(message, [], SCOPE, done)).toBe(false);
    const update = { ...message, thread_seq: 9, title: '2 new messages from Bob' };
    expect(shouldShowPush(update, [], SCOPE, done)).toBe(true);
    expect(pushNotification(update, WORDS, 'en').options).toMatchObject({ tag: 'n-2', renotify: true });
    // Opened again at the newer seq: one entry per id, the newest.
    expect(rememberDone(done, doneEntry(update))).toEqual(['n-2#9']);
  });
});

describe('isInboxUrl and threadUrl', () => {
  it('the scope’s page, any hash, same origin only', () => {
    expect(isInboxUrl(`${SCOPE}#/thread/x`, SCOPE)).toBe(true);
    expect(isInboxUrl('https://other.example.com/', SCOPE)).toBe(false);
    expect(isInboxUrl(`${SCOPE}docs/`, SCOPE)).toBe(false);
    expect(isInboxUrl('not a url', SCOPE)).toBe(false);
  });

  it('the thread’s address, its id escaped', () => {
    expect(threadUrl(SCOPE, 't-1')).toBe('https://chat.example.com/#/thread/t-1');
    expect(threadUrl(SCOPE, 'a/b#c')).toBe('https://chat.example.com/#/thread/a%2Fb%23c');
  });
});

describe('clickPlan', () => {
  const data = { payload: approval };

  it('Approve and Reject decide with the token', () => {
    expect(clickPlan('approve', data)).toEqual({ type: 'decide', decision: 'approve', actionToken: 'ama2_act_abc', payload: approval });
    expect(clickPlan('reject', data)).toEqual({ type: 'decide', decision: 'reject', actionToken: 'ama2_act_abc', payload: approval });
  });

  it('Open, the body, or a decision without a token open the thread', () => {
    expect(clickPlan('open', data)).toEqual({ type: 'open', payload: approval });
    expect(clickPlan('', data)).toEqual({ type: 'open', payload: approval });
    expect(clickPlan('approve', { payload: mention })).toEqual({ type: 'open', payload: mention });
  });

  it('data that is not ours does nothing', () => {
    expect(clickPlan('approve', null)).toBeNull();
    expect(clickPlan('open', { payload: { ...approval, kind: 'nope' } })).toBeNull();
    expect(clickPlan('open', 'n-1')).toBeNull();
  });
});

describe('decisionOutcome and outcomeNotification', () => {
  it('maps the server’s answer to words', () => {
    expect(decisionOutcome('approve', 200)).toBe('approved');
    expect(decisionOutcome('reject', 200)).toBe('rejected');
    expect(decisionOutcome('approve', 409)).toBe('already_decided');
    expect(decisionOutcome('reject', 410)).toBe('expired');
    expect(decisionOutcome('approve', 400)).toBe('failed');
    expect(decisionOutcome('approve', 500)).toBe('failed');
    expect(decisionOutcome('approve', null)).toBe('failed');
  });

  it('replaces the approval (same tag) with the outcome, Open only, and no token left in its data', () => {
    const shown = outcomeNotification(approval, 'already_decided', WORDS, 'en');
    expect(shown.title).toBe('Approval needed');
    expect(shown.options.body).toBe('Already decided');
    expect(shown.options.tag).toBe('n-1');
    expect(shown.options.actions).toEqual([{ action: 'open', title: 'Open' }]);
    expect(JSON.stringify(shown)).not.toContain('ama2_act_abc');
    expect(clickPlan('approve', shown.options.data)).toMatchObject({ type: 'open' });
    expect(outcomeNotification(approval, 'expired', WORDS, 'en').options.body).toBe('This approval expired');
  });
});

describe('rememberDone and pushLanguage', () => {
  it('keeps the newest ids, once each', () => {
    expect(rememberDone(['a', 'b'], 'a')).toEqual(['b', 'a']);
    const many = Array.from({ length: DONE_IDS_KEPT }, (_, index) => `n${index}`);
    const kept = rememberDone(many, 'new');
    expect(kept).toHaveLength(DONE_IDS_KEPT);
    expect(kept[0]).toBe('n1');
    expect(kept.at(-1)).toBe('new');
  });

  it('the language the inbox told, else the browser’s, else English', () => {
    expect(pushLanguage('de', ['en-US'])).toBe('de');
    expect(pushLanguage(null, ['fr-FR', 'de-AT'])).toBe('de');
    expect(pushLanguage('xx', ['fr'])).toBe('en');
  });
});
