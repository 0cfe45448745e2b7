import { describe, expect, it } from 'vitest';
import { isUuid } from '../http/validation.ts';
import { retryRunIdOf } from './failed-run-lookup.ts';

describe('retryRunIdOf', () => {
  const runId = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';

  it('is a UUID (version 8) that the retry route accepts, so the retry of a retry works too', () => {
    const retryId = retryRunIdOf(runId);
    expect(isUuid(retryId)).toBe(true);
    expect(retryId[14]).toBe('8');
    expect(['8', '9', 'a', 'b']).toContain(retryId[19]);
  });

  it('is the same on every process and differs for every run and for the retry of the retry', () => {
    expect(retryRunIdOf(runId)).toBe(retryRunIdOf(runId));
    expect(retryRunIdOf(runId)).not.toBe(retryRunIdOf('6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e50'));
    expect(retryRunIdOf(retryRunIdOf(runId))).not.toBe(retryRunIdOf(runId));
    expect(retryRunIdOf(runId)).not.toBe(runId);
  });
});
