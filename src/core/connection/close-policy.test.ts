import { describe, expect, it } from 'vitest';
import { classifyClose } from './close-policy.ts';

const noIdle = { idleTimeoutMessage: null };

describe('classifyClose', () => {
  it('treats 4000 and 4004 as terminal, with a reason a person can read', () => {
    expect(classifyClose({ code: 4000, reason: 'Invalid thread id.' }, noIdle)).toEqual({ kind: 'terminal', reason: 'Invalid thread id.' });
    expect(classifyClose({ code: 4004, reason: '' }, noIdle)).toEqual({
      kind: 'terminal',
      reason: 'This conversation could not be found.',
    });
    expect(classifyClose({ code: 4000, reason: '  ' }, noIdle)).toEqual({
      kind: 'terminal',
      reason: 'The server refused the connection parameters.',
    });
  });

  it('treats 4001 as an auth failure', () => {
    expect(classifyClose({ code: 4001, reason: 'Token expired.' }, noIdle)).toEqual({ kind: 'auth', reason: 'Token expired.' });
    expect(classifyClose({ code: 4001, reason: '' }, noIdle).kind).toBe('auth');
  });

  it('treats 4001 on the public socket as terminal: a refused visitor token or origin has no refresh', () => {
    const visitor = { idleTimeoutMessage: null, publicSocket: true };
    expect(classifyClose({ code: 4001, reason: 'origin not allowed' }, visitor)).toEqual({
      kind: 'terminal',
      reason: 'origin not allowed',
    });
    expect(classifyClose({ code: 4001, reason: '' }, visitor)).toEqual({
      kind: 'terminal',
      reason: 'The chat server did not accept this visitor.',
    });
    // The other codes mean on the public socket what they mean anywhere.
    expect(classifyClose({ code: 4503, reason: '' }, visitor).kind).toBe('retry');
  });

  it('pauses on 1000 only after an idle_timeout error, with the server message', () => {
    const message = 'No activity for a while; the conversation is paused. Send a message to continue.';
    expect(classifyClose({ code: 1000, reason: 'idle timeout' }, { idleTimeoutMessage: message })).toEqual({
      kind: 'paused',
      reason: message,
    });
    expect(classifyClose({ code: 1000, reason: 'idle timeout' }, { idleTimeoutMessage: '' }).kind).toBe('paused');
    expect(classifyClose({ code: 1000, reason: '' }, noIdle).kind).toBe('retry');
  });

  it('retries everything else', () => {
    for (const code of [4503, 1006, 1001, 1005, 1011, 1012, 1013, 1008, 3000, 4999]) {
      const decision = classifyClose({ code, reason: '' }, noIdle);
      expect(decision.kind).toBe('retry');
      expect(decision.reason.length).toBeGreaterThan(0);
    }
  });
});
