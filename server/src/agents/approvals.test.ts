import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/errors.ts';
import type { Principal } from '../threads/principal.ts';
import { assertMayDecide } from './approvals.ts';

const person: Principal = { kind: 'user', id: 'u1', senderId: 'user:u1', name: 'Ada' };
const agentByToken: Principal = { kind: 'agent', id: 'a1', senderId: 'agent:a1', name: 'Helper', tokenId: 't1' };
const builtInAgent: Principal = { kind: 'agent', id: 'a1', senderId: 'agent:a1', name: 'Helper' };
const visitor: Principal = { kind: 'visitor', id: 'v1', senderId: 'visitor:v1', name: 'Visitor', threadId: 'th1' };

function refusal(principal: Principal): ApiError | undefined {
  try {
    assertMayDecide(principal);
    return undefined;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

describe('assertMayDecide', () => {
  it('lets a person decide', () => {
    expect(refusal(person)).toBeUndefined();
  });

  it.each([
    ['an agent token', agentByToken],
    ['a built-in agent', builtInAgent],
    ['a visitor', visitor],
  ])('refuses %s with 403 forbidden, not retryable', (_who, principal) => {
    const error = refusal(principal);
    expect(error).toBeInstanceOf(ApiError);
    expect({ code: error?.code, status: error?.status, retryable: error?.retryable }).toEqual({
      code: 'forbidden',
      status: 403,
      retryable: false,
    });
    expect(error?.message).toBe('Only a person taking part in the thread can approve or reject a tool call; agents cannot.');
  });
});
