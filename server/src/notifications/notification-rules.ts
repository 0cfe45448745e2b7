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
      return null; // two kinds: see EventNotices.each
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

/** A user's settings with the defaults filled in, worked out once per user and batch. */
export type SettingsLookup = (userId: string) => Required<NotificationSettings>;

/** {@link SettingsLookup} over the audience's stored settings. */
export function settingsLookup(audience: ThreadAudience): SettingsLookup {
  const settingsOf = new Map<string, Required<NotificationSettings>>();
  return (userId) => {
    let settings = settingsOf.get(userId);
    if (!settings) settingsOf.set(userId, (settings = effectiveSettings(audience.settings.get(userId))));
    return settings;
  };
}

/** The words of one notification: its title and body, and for `message` its counted titles. */
interface Said {
  title: string;
  body: string;
  counted?: MessageCollapse['titles'];
}

/**
 * What one event notifies (CONTRACT §12's table), for {@link evaluateRules} and `evaluateSlices`:
 * `visit` is called for each (kind, user) with some channel on, in order (mentioned users, then
 * every other reader in the audience's order). It allocates nothing per user, so a busy thread's
 * thousand readers cost a look-up each; {@link EventNotices.words} makes the words once per
 * kind and language, when first asked.
 */
export class EventNotices {
  private excerptText: string | undefined;
  private readonly made = new Map<string, Said>();
  /** For `approval_pending`: the approval it asks about. */
  readonly approval: { id: string; expiresAt: string } | undefined;

  constructor(
    readonly event: ThreadEvent,
    private readonly audience: ThreadAudience,
  ) {
    const { approval_id: approvalId, expires_at: expiresAt } = event.data;
    this.approval = typeof approvalId === 'string' && typeof expiresAt === 'string' ? { id: approvalId, expiresAt } : undefined;
  }

  /** Calls `visit` for each (kind, user) the event notifies on some channel. */
  each(
    settingsFor: SettingsLookup,
    visit: (kind: NotificationKind, userId: string, settings: Required<NotificationSettings>) => void,
  ): void {
    const { event, audience } = this;
    const send = (kind: NotificationKind, userId: string) => {
      const settings = settingsFor(userId);
      if (settings.channels[kind].length > 0) visit(kind, userId, settings);
    };
    if (event.event_type === 'message_committed') {
      const sender = userOf(event.sender_id);
      const mentions = new Set(
        (Array.isArray(event.data.mentions) ? event.data.mentions : []).map(userOf).filter((user): user is string => user !== null),
      );
      for (const user of mentions) if (user !== sender && audience.readers.has(user)) send('mention', user);
      for (const user of audience.readers) if (user !== sender && !mentions.has(user)) send('message', user);
      return;
    }
    const found = recipients(event, audience);
    if (found) for (const user of found.users) send(found.kind, user);
  }

  /** The words of the event's notification of `kind` in `language`. */
  words(kind: NotificationKind, language: NotificationLanguage): Said {
    const key = `${kind} ${language}`;
    let said = this.made.get(key);
    if (!said) {
      const { event, audience } = this;
      const by = typeof event.data.by === 'string' ? event.data.by : event.sender_id;
      const facts: NotificationFacts = { actor: audience.names.get(by) ?? null, thread: audience.title, excerpt: this.excerpt(kind) };
      said = notificationWords(kind, language, facts);
      if (kind === 'message') said.counted = countedMessageTitles(language, facts);
      this.made.set(key, said);
    }
    return said;
  }

  /** The text the words quote: a message's excerpt (read from its Markdown once), an approval's tool. */
  private excerpt(kind: NotificationKind): string {
    const { event } = this;
    if (event.event_type === 'message_committed') return (this.excerptText ??= excerpt(event.content, event.data.attachments));
    if (kind === 'approval_pending') return typeof event.data.tool_name === 'string' ? event.data.tool_name : '';
    return '';
  }
}

/** The deliveries a notification gets for a user's channels: push at once, email after their delay. */
function deliveriesOf(
  kind: NotificationKind,
  settings: Required<NotificationSettings>,
  plan: DeliveryPlan,
): NotificationDraft['deliveries'] {
  const channels = settings.channels[kind];
  const deliveries: NotificationDraft['deliveries'] = [];
  if (plan.push && channels.includes('push')) deliveries.push({ channel: 'push', dueAt: plan.now });
  if (plan.email && channels.includes('email')) {
    deliveries.push({ channel: 'email', dueAt: plan.now + (plan.emailDelayMs ?? settings.email_delay_minutes * MINUTE_MS) });
  }
  return deliveries;
}

/** One (event, kind, user)'s draft, as {@link evaluateRules} makes it. */
export function draftOf(
  notices: EventNotices,
  kind: NotificationKind,
  userId: string,
  settings: Required<NotificationSettings>,
  plan: DeliveryPlan,
): NotificationDraft {
  const { event } = notices;
  const said = notices.words(kind, settings.language);
  const draft: NotificationDraft = {
    userId,
    kind,
    threadSeq: event.thread_seq,
    title: said.title,
    body: said.body,
    deliveries: deliveriesOf(kind, settings, plan),
  };
  if (kind === 'approval_pending' && notices.approval) draft.approval = notices.approval;
  // One unread `message` notification per user and thread: storage joins it to the one they have.
  if (said.counted) draft.collapse = { senderId: event.sender_id ?? null, count: 1, titles: said.counted };
  return draft;
}

/**
 * The notifications a batch of one thread's committed events makes (CONTRACT §12's table):
 * `mention` for the users a message mentions, `message` for every other reader, `assigned`
 * for a new assignee, `waiting` when the thread starts waiting, `approval_pending` for those
 * who may decide; never for the actor, never for someone who cannot read the thread, and
 * only for kinds the user left some channel on. A `message` draft carries how it joins the
 * user's unread `message` notification of the thread (storage updates that one in place).
 * One draft per (event, user): the definition; the notifier uses `evaluateSlices`, which
 * joins a user's `message` drafts as it goes. Pure and cheap: the audience and settings come
 * in, loaded once per batch; a message's Markdown is read once, whoever it is for.
 */
export function evaluateRules(events: readonly ThreadEvent[], audience: ThreadAudience, plan: DeliveryPlan): NotificationDraft[] {
  const drafts: NotificationDraft[] = [];
  const settingsFor = settingsLookup(audience);
  for (const event of events) {
    const notices = new EventNotices(event, audience);
    notices.each(settingsFor, (kind, userId, settings) => drafts.push(draftOf(notices, kind, userId, settings, plan)));
  }
  return drafts;
}
