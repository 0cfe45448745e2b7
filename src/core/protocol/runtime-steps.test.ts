import { describe, expect, it } from 'vitest';
import { parseEventBody } from './event-data.ts';
import { FIXTURE_IDS, agentPlatformEvents, durableEvents, runtimeEvents } from './fixtures.ts';
import { parseRuntimeData, runStepOfEvent } from './runtime-steps.ts';

describe('parseRuntimeData', () => {
  it.each(Object.values(runtimeEvents).map((data) => ({ type: data.event_type, data })))('understands the contract’s $type', ({ data }) => {
    const parsed = parseRuntimeData(data);
    expect(parsed.ok && parsed.value.runId).toBe(FIXTURE_IDS.run);
  });

  it.each(Object.values(agentPlatformEvents).map((data) => ({ type: data.event_type, data })))(
    'understands the Agent Platform’s $type (seed 002)',
    ({ data }) => {
      const parsed = parseRuntimeData(data);
      expect(parsed.ok).toBe(true);
    },
  );

  it('maps both vocabularies to the same steps', () => {
    const step = (data: { event_type: string } & Record<string, unknown>) => {
      const parsed = parseRuntimeData(data);
      return parsed.ok ? parsed.value.step : null;
    };
    expect(step(agentPlatformEvents.typing_started)).toEqual(step(runtimeEvents.typing));
    expect(step(agentPlatformEvents.conversation_started)).toEqual(step(runtimeEvents.run_started));
    expect(step(agentPlatformEvents.text_delta)).toEqual(step(runtimeEvents.text_delta));
    expect(step(agentPlatformEvents.message_completed)).toEqual({ type: 'reply_committed', messageId: FIXTURE_IDS.reply, seq: null });
    expect(step(agentPlatformEvents.conversation_completed)).toEqual(step(runtimeEvents.run_finished));
    expect(step(agentPlatformEvents.conversation_failed)).toEqual(step(runtimeEvents.intake_failed));
    expect(step(agentPlatformEvents.stream_end)).toEqual({ type: 'stream_end' });
  });

  it('takes seed 002’s workflow_id as the run, and leaves a step that names none to the current run', () => {
    const started = parseRuntimeData(agentPlatformEvents.conversation_started);
    expect(started.ok && started.value.runId).toBe(FIXTURE_IDS.run);
    const delta = parseRuntimeData(agentPlatformEvents.text_delta);
    expect(delta.ok && delta.value.runId).toBeNull();
  });

  it('refuses data that does not fit, and says which kind of refusal', () => {
    expect(parseRuntimeData({ event_type: 'text_delta', run_id: 'r', content: 42 })).toEqual({ ok: false, reason: 'invalid data' });
    expect(parseRuntimeData({ event_type: 'approval_pending', run_id: 'r' })).toEqual({ ok: false, reason: 'invalid data' });
    expect(parseRuntimeData({ event_type: 'queued', run_id: 7 })).toEqual({ ok: false, reason: 'invalid data' });
    expect(parseRuntimeData({ event_type: 'something_new', run_id: 'r' })).toEqual({ ok: false, reason: 'unknown type' });
  });
});

describe('runStepOfEvent', () => {
  it('gives the run step of each durable run event, and none for the rest', () => {
    const step = (event: { event_type: string; data: Record<string, unknown> }) =>
      runStepOfEvent(parseEventBody(event.event_type, event.data));
    expect(step(durableEvents.tool_call_completed)).toMatchObject({
      runId: FIXTURE_IDS.run,
      step: { type: 'tool', done: true, ok: true, resultPreview: 'Shipped.' },
    });
    expect(step(durableEvents.approval_resolved)).toMatchObject({ step: { type: 'approval', status: 'approved' } });
    expect(step(durableEvents.approval_expired)).toMatchObject({ step: { type: 'approval', status: 'expired' } });
    expect(step(durableEvents.run_failed)).toMatchObject({ step: { type: 'failed', error: { retryable: true } } });
    expect(step(durableEvents.mode_changed)).toBeNull();
    expect(step(durableEvents.participant_joined)).toBeNull();
  });
});
