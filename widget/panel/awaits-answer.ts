import type { TimelineItem } from '../../src/core/timeline/timeline-item.ts';

/**
 * Whether the visitor is still waiting for an answer (the offer on leaving, leave-offer.tsx):
 * their last message, sent or still in the outbox, has no message from the agent or a person
 * after it; or the agent is still at its reply (a run not finished: streaming, using a tool,
 * waiting for the team's approval), whatever it said so far; or the conversation waits for a
 * person (CONTRACT §11 `status_changed` `waiting`) and no person has written since (the
 * agent's words do not answer that). Visitors are the only `visitor:` senders of a public
 * thread and people the only `user:` ones, so this holds before the panel has learnt the
 * visitor's id.
 */
export function awaitsAnswer(items: readonly TimelineItem[]): boolean {
  let unanswered = false;
  let person = false;
  let working = false;
  for (const item of items) {
    if (item.kind === 'pending_message') unanswered = true;
    else if (item.kind === 'message') {
      const sender = item.message.senderId;
      unanswered = sender.startsWith('visitor:');
      if (sender.startsWith('user:')) person = false;
    } else if (item.kind === 'run') {
      const { run } = item;
      // (As the live line under the messages tells it: visitor-rows.ts.)
      working ||= !run.finished && run.status !== 'failed' && run.status !== 'committed';
    } else if (item.kind === 'notice' && item.entry.body.type === 'status_changed') person = item.entry.body.data.status === 'waiting';
  }
  return unanswered || person || working;
}
