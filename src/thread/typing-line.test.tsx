import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_SENDERS, fixtureThread } from '../core/protocol/fixtures.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import { runOf } from '../core/testing/timeline-builders.ts';
import { TypingLine } from './typing-line.tsx';

afterEach(() => cleanup());

const thread = {
  ...fixtureThread,
  participants: [
    { sender_id: FIXTURE_SENDERS.alice, name: 'Ana', avatar_url: null },
    { sender_id: FIXTURE_SENDERS.agent, name: 'Demo', avatar_url: null },
  ],
} as InboundThread;
const started = [{ event_type: 'queued' }, { event_type: 'run_started' }, { event_type: 'text_delta', content: 'I would like to ' }];
const defaults = { run_id: 'run-1', agent_id: FIXTURE_SENDERS.agent };
const pending = { event_type: 'approval_pending', approval_id: 'a-1', tool_name: 'send_email', expires_at: '2026-04-09T10:01:00.000Z' };

const line = (runs: ReturnType<typeof runOf>[], typing: string[]) =>
  render(<TypingLine thread={thread} typing={typing} present={[]} runs={runs} />).container.textContent;

describe('TypingLine', () => {
  it('says an agent whose run waits on an approval is waiting for it, not typing', () => {
    expect(line([runOf([...started, pending], defaults)], [FIXTURE_SENDERS.agent])).toBe('Demo is waiting for your approval');
  });

  it('says an agent at work is typing', () => {
    expect(line([runOf(started, defaults)], [FIXTURE_SENDERS.agent])).toBe('Demo is typing…');
  });
});
