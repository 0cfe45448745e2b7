import { describe, expect, it } from 'vitest';
import { MAX_PUSH_TEXT_LENGTH, parsePushPayload } from './push-payload.ts';

const approval = {
  notification_id: 'n-1',
  kind: 'approval_pending',
  thread_id: 't-1',
  thread_seq: 7,
  title: 'Approval needed in Report',
  body: 'demo wants to send an email',
  actions: { approval_id: 'a-1', action_token: 'ama2_act_abc' },
};
const parse = (value: unknown) => parsePushPayload(JSON.stringify(value));

describe('parsePushPayload', () => {
  it('accepts the contract’s payload and keeps an approval’s action token', () => {
    expect(parse(approval)).toEqual({ ok: true, payload: approval });
  });

  it('drops unknown fields, and actions on any kind but approval_pending', () => {
    const result = parse({ ...approval, kind: 'mention', extra: '<b>x</b>' });
    expect(result).toEqual({ ok: true, payload: { ...approval, kind: 'mention', actions: undefined } });
    expect(result.ok && 'actions' in result.payload).toBe(false);
    expect(result.ok && 'extra' in result.payload).toBe(false);
  });

  it('cuts an over-long title and body instead of refusing them', () => {
    const result = parse({ ...approval, title: 't'.repeat(300), body: 'b'.repeat(2000) });
    expect(result.ok && result.payload.title).toBe(`${'t'.repeat(199)}…`);
    expect(result.ok && result.payload.body).toHaveLength(1000);
  });

  it('refuses what is not a notification, saying why without quoting the payload', () => {
    expect(parsePushPayload(null)).toEqual({ ok: false, reason: 'the push message has no payload' });
    expect(parsePushPayload('')).toEqual({ ok: false, reason: 'the push message has no payload' });
    expect(parsePushPayload('{not json')).toEqual({ ok: false, reason: 'the push payload is not JSON' });
    expect(parsePushPayload('x'.repeat(MAX_PUSH_TEXT_LENGTH + 1))).toEqual({ ok: false, reason: 'the push payload is too large' });
    expect(parse([1, 2])).toMatchObject({ ok: false });
    const badKind = parse({ ...approval, kind: 'gossip' });
    expect(badKind.ok).toBe(false);
    expect(!badKind.ok && badKind.reason).toMatch(/^the push payload is not a notification \(kind\): /);
    expect(parse({ ...approval, thread_seq: -1 }).ok).toBe(false);
    expect(parse({ ...approval, thread_seq: 1.5 }).ok).toBe(false);
    expect(parse({ ...approval, notification_id: '' }).ok).toBe(false);
    expect(parse({ ...approval, title: 42 }).ok).toBe(false);
    expect(parse({ ...approval, actions: { approval_id: 'a-1', action_token: 'x'.repeat(129) } }).ok).toBe(false);
    const { body: _body, ...noBody } = approval;
    expect(parse(noBody).ok).toBe(false);
    // The reason goes to a log line: it never carries the token.
    expect(JSON.stringify(badKind)).not.toContain('ama2_act_abc');
  });
});
