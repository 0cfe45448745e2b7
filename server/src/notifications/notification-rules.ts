import type { ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { NotificationKind, NotificationLanguage, NotificationSettings } from '../../../src/core/protocol/notifications.ts';
import { markdownToPlainText } from '../../../src/markdown-core/markdown-plain-text.ts';
import type { MessageCollapse, NotificationDraft } from '../storage/stores/notification-store.ts';
import { messageWithFiles } from './message-text.ts';
import { effectiveSettings } from './notification-settings.ts';
import { countedMessageTitles, notificationWords, type NotificationFacts } from './notification-words.ts';

/** Longest excerpt of a message in a notification's body, in characters (the rest is cut with an ellipsis). */
export const EXCERPT_MAX_CHARS = 140;
const MINUTE_MS = 60_000;

/** What the rules know of one thread, loaded once per batch of its events. */
export interface ThreadAudience {
  threadId: string;
  title: string | null;
  /** Users who can read the thread (CONTRACT §11): its users, or the agent's owners for a visitor thread. */
  readers: ReadonlySet<string>;
  /** Who is told when it starts waiting: the agent's owners on a public thread, its users on a private one. */
  waitingFor: readonly string[];
  /** Display names by sender id (`user:…`, `agent:…`, `visitor:…`). */
  names: ReadonlyMap<string, string>;
  /** Stored settings of the readers (absent: the defaults). */
  settings: ReadonlyMap<string, NotificationSettings>;
}

/** How deliveries are queued: which channels this server has, the clock, the email delay override. */
export interface DeliveryPlan {
  push: boolean;
  email: boolean;
  now: number;
  /** `EMAIL_DELAY_MS`, overriding each user's `email_delay_minutes`; null: theirs. */
  emailDelayMs: number | null;
}

const userOf = (senderId: unknown): string | null =>
  typeof senderId === 'string' && senderId.startsWith('user:') ? senderId.slice('user:'.length) : null;

function excerpt(content: string | null, attachments?: unknown): string {
  const plain = messageWithFiles(markdownToPlainText(content ?? ''), attachments, ' ');
  const chars = [...plain];
  return chars.length <= EXCERPT_MAX_CHARS
    ? plain
    : `${chars
        .slice(0, EXCERPT_MAX_CHARS - 1)
        .join('')
        .trimEnd()}…`;
}

/** Who gets which kind for one event, before settings: [userId, kind] pairs, each user at most once. */
function recipients(event: ThreadEvent, audience: ThreadAudience): { kind: NotificationKind; users: string[] } | null {
  const actor = userOf(typeof event.data.by === 'string' ? event.data.by : event.sender_id);
  const others = (users: Iterable<string>) => [...users].filter((user) => user !== actor && audience.readers.has(user));
  switch (event.event_type) {
    case 'message_committed':
      return null; // two kinds: see messageRecipients
    case 'assignee_changed': {
      const assignee = userOf(event.data.assignee_id);
      return assignee ? { kind: 'assigned', users: others([assignee]) } : null;
    }
    case 'status_changed':
      return event.data.status === 'waiting' ? { kind: 'waiting', users: others(audience.waitingFor) } : null;
    case 'approval_pending':
      return { kind: 'approval_pending', users: others(audience.readers) };
    default:
      return null;
  }
}

/**
 * The notifications a batch of one thread's committed events makes (CONTRACT §12's table):
 * `mention` for the users a message mentions, `message` for every other reader, `assigned`
 * for a new assignee, `waiting` when the thread starts waiting, `approval_pending` for those
 * who may decide; never for the actor, never for someone who cannot read the thread, and
 * only for kinds the user left some channel on. A `message` draft carries how it joins the
 * user's unread `message` notification of the thread (storage updates that one in place). Pure and cheap: the audience and settings
 * come in, loaded once per batch; a message's Markdown is read once, whoever it is for.
 */
export function evaluateRules(events: readonly ThreadEvent[], audience: ThreadAudience, plan: DeliveryPlan): NotificationDraft[] {
  const drafts: NotificationDraft[] = [];
  const settingsOf = new Map<string, Required<NotificationSettings>>();
  const settingsFor = (userId: string) => {
    let settings = settingsOf.get(userId);
    if (!settings) settingsOf.set(userId, (settings = effectiveSettings(audience.settings.get(userId))));
    return settings;
  };
  for (const event of events) {
    let groups: { kind: NotificationKind; users: string[] }[];
    let text = '';
    if (event.event_type === 'message_committed') {
      const sender = userOf(event.sender_id);
      const mentions = new Set(
        (Array.isArray(event.data.mentions) ? event.data.mentions : []).map(userOf).filter((user): user is string => user !== null),
      );
      const mentioned = [...mentions].filter((user) => user !== sender && audience.readers.has(user));
      const rest: string[] = [];
      for (const user of audience.readers) if (user !== sender && !mentions.has(user)) rest.push(user);
      groups = [
        { kind: 'mention', users: mentioned },
        { kind: 'message', users: rest },
      ];
      text = excerpt(event.content, event.data.attachments);
    } else {
      const found = recipients(event, audience);
      if (!found) continue;
      groups = [found];
      if (found.kind === 'approval_pending') text = typeof event.data.tool_name === 'string' ? event.data.tool_name : '';
    }
    const by = typeof event.data.by === 'string' ? event.data.by : event.sender_id;
    const facts: NotificationFacts = { actor: audience.names.get(by) ?? null, thread: audience.title, excerpt: text };
    const { approval_id: approvalId, expires_at: expiresAt } = event.data;
    const approval = typeof approvalId === 'string' && typeof expiresAt === 'string' ? { id: approvalId, expiresAt } : undefined;
    for (const { kind, users } of groups) {
      // The words depend on the kind and the language only: made once per event and language.
      const words = new Map<NotificationLanguage, { title: string; body: string; counted?: MessageCollapse['titles'] }>();
      for (const userId of users) {
        const settings = settingsFor(userId);
        const channels = settings.channels[kind];
        if (channels.length === 0) continue;
        let said = words.get(settings.language);
        if (!said) {
          said = notificationWords(kind, settings.language, facts);
          if (kind === 'message') said.counted = countedMessageTitles(settings.language, facts);
          words.set(settings.language, said);
        }
        const deliveries: NotificationDraft['deliveries'] = [];
        if (plan.push && channels.includes('push')) deliveries.push({ channel: 'push', dueAt: plan.now });
        if (plan.email && channels.includes('email')) {
          deliveries.push({ channel: 'email', dueAt: plan.now + (plan.emailDelayMs ?? settings.email_delay_minutes * MINUTE_MS) });
        }
        const draft: NotificationDraft = { userId, kind, threadSeq: event.thread_seq, title: said.title, body: said.body, deliveries };
        if (kind === 'approval_pending' && approval) draft.approval = approval;
        // One unread `message` notification per user and thread: storage joins it to the one they have.
        if (said.counted) draft.collapse = { senderId: event.sender_id ?? null, count: 1, titles: said.counted };
        drafts.push(draft);
      }
    }
  }
  return drafts;
}
