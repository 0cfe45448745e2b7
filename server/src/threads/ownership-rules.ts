import type { SenderId } from '../../../src/core/protocol/model.ts';
import type { ThreadStatus } from '../../../src/core/protocol/ownership.ts';
import type { OwnershipState } from '../storage/storage.ts';
import type { OwnershipDecision } from '../storage/stores/ownership-store.ts';

/**
 * The rules of CONTRACT §11 as decisions over a thread's current state: each returns null
 * when nothing changes (no event), otherwise the new state and the events recording it. Pure:
 * storage runs them under the thread's lock, so the decision and the write are one step.
 */

/** The sender id of an assignee (stored as a bare user id). */
const assigneeSenderId = (userId: string | null) => (userId === null ? null : `user:${userId}`);

/** The state after a status change at `at`: `waitingSince` (the change's time) and `snoozedUntil` only hold in their status. */
function withStatus(current: OwnershipState, status: ThreadStatus, snoozedUntil: string | null, at: string): OwnershipState {
  return {
    ...current,
    status,
    waitingSince: status === 'waiting' ? (current.status === 'waiting' ? current.waitingSince : at) : null,
    snoozedUntil: status === 'snoozed' ? snoozedUntil : null,
  };
}

/**
 * Sets the status (`PUT …/status`, an escalation, a reopen): `status_changed {status,
 * previous, by, snoozed_until?}`. The same status again is no change; so is a snooze to the
 * same time (a snooze to another time is one). Only from one of `from`, when given.
 */
export function setStatus(
  status: ThreadStatus,
  options: { by: SenderId; snoozedUntil?: string | null; from?: readonly ThreadStatus[] },
): OwnershipDecision {
  const snoozedUntil = options.snoozedUntil ?? null;
  return (current, at) => {
    if (options.from && !options.from.includes(current.status)) return null;
    if (current.status === status && (status !== 'snoozed' || current.snoozedUntil === snoozedUntil)) return null;
    return {
      next: withStatus(current, status, snoozedUntil, at),
      events: [
        {
          eventType: 'status_changed',
          senderId: options.by,
          content: null,
          data: { status, previous: current.status, by: options.by, ...(status === 'snoozed' ? { snoozed_until: snoozedUntil } : {}) },
        },
      ],
    };
  };
}

/**
 * A visitor asks for a person (`POST …/handoff-request`): `escalation_created {to: "human",
 * reason: "visitor_request"}`, then `status_changed` to `waiting`, both by the visitor. Nothing
 * while the thread already waits.
 */
export function requestPerson(by: SenderId): OwnershipDecision {
  const toWaiting = setStatus('waiting', { by });
  return (current, at) => {
    if (current.status === 'waiting') return null;
    const plan = toWaiting(current, at)!;
    return {
      next: plan.next,
      events: [
        { eventType: 'escalation_created', senderId: by, content: null, data: { to: 'human', reason: 'visitor_request' } },
        ...plan.events,
      ],
    };
  };
}

/**
 * A person takes the thread over (`POST …/takeover`): `handoff {to, name, by}`; they become its
 * assignee, the agent is paused and the thread is open. Nothing when all of that holds already.
 */
export function takeOver(user: { senderId: SenderId; id: string; name: string }): OwnershipDecision {
  return (current) => {
    if (current.assigneeId === user.id && current.agentPaused && current.status === 'open') return null;
    return {
      next: { status: 'open', assigneeId: user.id, agentPaused: true, waitingSince: null, snoozedUntil: null },
      events: [
        { eventType: 'handoff', senderId: user.senderId, content: null, data: { to: user.senderId, name: user.name, by: user.senderId } },
      ],
    };
  };
}

/** The agent answers again (`POST …/handback`): `handback {by}`. Nothing while it is not paused. */
export function handBack(by: SenderId): OwnershipDecision {
  return (current) =>
    current.agentPaused
      ? { next: { ...current, agentPaused: false }, events: [{ eventType: 'handback', senderId: by, content: null, data: { by } }] }
      : null;
}

/** Assigns the thread (`PUT …/assignee`; null unassigns): `assignee_changed {assignee_id, previous, by}`. Does not end `waiting`. */
export function setAssignee(assigneeId: string | null, by: SenderId): OwnershipDecision {
  return (current) => {
    if (current.assigneeId === assigneeId) return null;
    return {
      next: { ...current, assigneeId },
      events: [
        {
          eventType: 'assignee_changed',
          senderId: by,
          content: null,
          data: { assignee_id: assigneeSenderId(assigneeId), previous: assigneeSenderId(current.assigneeId), by },
        },
      ],
    };
  };
}

/** A snoozed thread whose time has come opens (`status_changed` by `system`); nothing if it was woken or snoozed again meanwhile. */
export function wakeUp(): OwnershipDecision {
  const open = setStatus('open', { by: 'system', from: ['snoozed'] });
  return (current, at) => (current.snoozedUntil !== null && Date.parse(current.snoozedUntil) <= Date.parse(at) ? open(current, at) : null);
}

/**
 * What a committed message does to the status: a user's message ends `waiting` (by that user);
 * a message of anyone else (a visitor, an agent) reopens a `resolved` or `snoozed` thread (by `system`).
 * Null when the message changes nothing in a thread of this status.
 */
export function afterMessage(senderId: SenderId): { from: readonly ThreadStatus[]; decide: OwnershipDecision } {
  if (senderId.startsWith('user:')) {
    const from = ['waiting'] as const;
    return { from, decide: setStatus('open', { by: senderId, from }) };
  }
  const from = ['resolved', 'snoozed'] as const;
  return { from, decide: setStatus('open', { by: 'system', from }) };
}
