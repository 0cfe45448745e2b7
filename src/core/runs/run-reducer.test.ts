import { describe, expect, it } from 'vitest';
import type { RunStep } from '../protocol/runtime-steps.ts';
import { emptyRun, reduceRun, type RunInput } from './run-reducer.ts';

const ORIGIN = { agentId: 'agent:a', inReplyTo: 'm1' };
const ERROR = { code: 'upstream_error', message: 'The model is away.', retryable: true };
const frame = (step: RunStep): RunInput => ({ kind: 'frame', step, origin: ORIGIN, at: 5 });
const event = (step: RunStep): RunInput => ({ kind: 'event', step, at: 7 });
const reduce = (...inputs: RunInput[]) => inputs.reduce(reduceRun, emptyRun('t', 'r1'));

describe('reduceRun', () => {
  it('ends a run the same whichever channel told a step first', () => {
    const failed = event({ type: 'failed', error: ERROR });
    const committed = frame({ type: 'reply_committed', messageId: 'm2', seq: 2 });
    expect(reduce(committed, failed).view).toMatchObject({ status: 'failed', finished: true, error: ERROR, replyMessageId: 'm2' });
    expect(reduce(failed, committed).view).toMatchObject({ status: 'failed', finished: true, error: ERROR, replyMessageId: 'm2' });
  });

  it('settles a run by the reply the log holds, and takes it back when the log no longer does', () => {
    const streaming = reduce(frame({ type: 'started' }), frame({ type: 'text', content: 'Hi' }));
    const answered = reduceRun(streaming, { kind: 'reply', reply: { messageId: 'm2', seq: 2 } });
    expect(answered.view).toMatchObject({ status: 'committed', finished: true, replyMessageId: 'm2', replySeq: 2, text: 'Hi' });
    expect(answered.steps).toBe(streaming.steps);
    expect(reduceRun(answered, { kind: 'reply', reply: { messageId: 'm2', seq: 2 } })).toBe(answered);
    expect(reduceRun(answered, { kind: 'reply', reply: null }).view).toBe(streaming.steps);
  });

  it('keeps what only the live frames tell (origin, text, timings) and ignores an origin in the log', () => {
    const run = reduce(
      event({ type: 'escalation', to: 'human', reason: 'asked' }),
      frame({ type: 'text', content: 'Hel' }),
      frame({ type: 'text', content: 'lo' }),
      event({ type: 'escalation', to: 'human', reason: 'asked' }),
    );
    expect(run.view).toMatchObject({ agentId: 'agent:a', inReplyTo: 'm1', text: 'Hello', escalations: [{ to: 'human' }] });
    expect(run.view.timings.firstTokenAt).toBe(5);
    expect(reduce(event({ type: 'started' })).view.agentId).toBeNull();
  });
});
