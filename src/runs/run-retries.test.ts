import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../core/api/api-error.ts';
import { canRetryAgain, retryRefusal, retryRun, useRunRetries } from './run-retries.ts';

const ONLINE = () => true;

describe('retryRun', () => {
  beforeEach(() => useRunRetries.setState({ retries: new Map() }));

  it('asks once while a retry is under way, and stays “retrying” once accepted', async () => {
    const asked: string[] = [];
    let accept!: () => void;
    const request = (runId: string) => {
      asked.push(runId);
      return new Promise<void>((resolve) => (accept = resolve));
    };
    const first = retryRun(request, 'r1', ONLINE);
    await retryRun(request, 'r1', ONLINE);
    expect(asked).toEqual(['r1']);
    expect(useRunRetries.getState().retries.get('r1')).toEqual({ status: 'retrying' });
    accept();
    await first;
    expect(useRunRetries.getState().retries.get('r1')).toEqual({ status: 'retrying' });
  });

  it('keeps why a retry was refused, and whether pressing again can work', async () => {
    await retryRun(() => Promise.reject(new ApiError('conflict', 'already retried', false, 409)), 'r1', ONLINE);
    const state = useRunRetries.getState().retries.get('r1');
    expect(state).toEqual({ status: 'refused', refusal: { kind: 'conflict' } });
  });
});

describe('retryRefusal', () => {
  it('reads a refusal as a person can act on it', () => {
    expect(retryRefusal(new ApiError('conflict', 'x', false, 409), true)).toEqual({ kind: 'conflict' });
    expect(retryRefusal(new ApiError('forbidden', 'x', false, 403), true)).toEqual({ kind: 'denied' });
    expect(retryRefusal(new ApiError('not_found', 'x', false, 404), true)).toEqual({ kind: 'denied' });
    expect(retryRefusal(new ApiError('network_error', 'x', true), false)).toEqual({ kind: 'offline' });
    const unreachable = new ApiError('network_error', 'Could not reach the server.', true);
    expect(retryRefusal(unreachable, true)).toEqual({ kind: 'failed', error: unreachable, again: true });
    const invalid = new ApiError('client_error', 'bad', false, 400);
    expect(retryRefusal(invalid, true)).toEqual({ kind: 'failed', error: invalid, again: false });
  });

  it('offers Retry again only where it can work: online again, or after an error worth trying again', () => {
    expect(canRetryAgain({ kind: 'offline' }, false)).toBe(false);
    expect(canRetryAgain({ kind: 'offline' }, true)).toBe(true);
    expect(canRetryAgain({ kind: 'conflict' }, true)).toBe(false);
    expect(canRetryAgain({ kind: 'denied' }, true)).toBe(false);
    expect(canRetryAgain({ kind: 'failed', error: new Error('x'), again: true }, true)).toBe(true);
    expect(canRetryAgain({ kind: 'failed', error: new Error('x'), again: false }, true)).toBe(false);
  });
});
