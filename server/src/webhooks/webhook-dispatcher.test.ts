import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signBody } from './webhook-dispatcher.ts';

describe('signBody', () => {
  it('is sha256= and the hex HMAC of the exact body', () => {
    const body = '{"event_id":"e1","thread_seq":1}';
    expect(signBody('whsec_test', body)).toBe(`sha256=${createHmac('sha256', 'whsec_test').update(body).digest('hex')}`);
    expect(signBody('whsec_test', `${body} `)).not.toBe(signBody('whsec_test', body));
  });
});
