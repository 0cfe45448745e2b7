/**
 * The inbox's words for who owns a conversation, private notes, queues and search (CONTRACT
 * §11), in English: the reference for `catalog-ownership-de.ts`. Kept apart from
 * `catalog-en.ts` because that one is part of the inbox's initial JS (the sign-in page and the
 * app's frame need it), and these words are only read by the signed-in chunk.
 */
import { plural } from './plural.ts';

const LOCALE = 'en';
const count = (n: number) => n.toLocaleString(LOCALE);

export const ownershipEn = {
  queues: {
    label: 'Queues',
    all: 'All',
    waiting: 'Waiting',
    mine: 'Mine',
    unassigned: 'Unassigned',
    open: 'Open',
    snoozed: 'Snoozed',
    resolved: 'Resolved',
    /** A queue's name with its count, for screen readers. */
    withCount: (queue: string, n: number) =>
      plural(LOCALE, n, { one: `${queue}, ${count(n)} thread`, other: `${queue}, ${count(n)} threads` }),
    empty: 'No threads in this queue.',
  },

  /** A thread's status, as a badge and in the status control. */
  status: { open: 'Open', waiting: 'Waiting', resolved: 'Resolved', snoozed: 'Snoozed' } as Record<string, string>,

  list: {
    /** `duration` is already formatted ("4 min"). */
    waitingFor: (duration: string) => `waiting ${duration}`,
    agentPaused: 'Agent paused',
    assignedTo: (name: string) => `Assigned to ${name}`,
  },

  controls: {
    label: 'Who has this conversation',
    status: 'Status',
    assignee: 'Assignee',
    nobody: 'Nobody',
    you: (name: string) => `${name} (you)`,
    takeOver: 'Take over',
    handBack: 'Hand back to the agent',
    agentPaused: 'The agent is paused: it answers only when mentioned.',
    snooze: 'Snooze',
    snoozeHour: 'For 1 hour',
    snoozeMorning: 'Until tomorrow morning',
    snoozeChoose: 'Choose a time…',
    snoozeUntil: 'Snooze until',
    snoozeConfirm: 'Snooze until then',
    snoozedUntil: (when: string) => `Snoozed until ${when}`,
    resolve: 'Resolve',
    reopen: 'Reopen',
    working: 'Saving…',
    failed: (why: string) => `The change did not go through: ${why}`,
    pastTime: 'Choose a time in the future.',
    /** The phone's one button that opens the controls in a sheet. */
    manage: 'Manage',
    close: 'Close',
    /** The phone's one-line summary, shown before Manage. */
    summary: 'Status and assignee',
  },

  /** Quiet timeline lines for ownership events. */
  events: {
    took: (who: string, agent: string) => `${who} took over from ${agent}`,
    handedBack: (agent: string, by: string) => `Handed back to ${agent} by ${by}`,
    assigned: (to: string, by: string) => `Assigned to ${to} by ${by}`,
    unassigned: (by: string) => `Unassigned by ${by}`,
    resolved: (by: string) => `Resolved by ${by}`,
    reopened: (by: string | null) => (by ? `Reopened by ${by}` : 'Reopened'),
    waiting: (by: string | null) => (by ? `Marked as waiting for a person by ${by}` : 'Waiting for a person'),
    snoozed: (by: string, until: string) => `Snoozed by ${by}${until ? ` until ${until}` : ''}`,
    woke: 'Back from snooze',
    theAgent: 'the agent',
  },

  note: {
    tag: 'Note',
    onlyTeam: 'Only your team sees this',
    by: (who: string) => `Note by ${who}`,
  },

  composer: {
    mode: 'Write a',
    reply: 'Reply',
    note: 'Note',
    /** The shortcut that switches between reply and note. */
    switchHint: 'Alt+N switches between reply and note',
    notePlaceholder: 'Private note… only your team sees this',
    sendReply: 'Send reply',
    addNote: 'Add note',
    savingNote: 'Saving note…',
    noteFailed: (why: string) => `The note was not saved: ${why} Your text is kept; send again to retry.`,
  },

  search: {
    open: 'Search',
    shortcut: 'Ctrl+K',
    title: 'Search messages, notes and threads',
    field: 'Search',
    placeholder: 'Words, a prefix, or "a phrase"',
    results: 'Results',
    searching: 'Searching…',
    none: 'Nothing found.',
    failed: (why: string) => `Search failed: ${why}`,
    inThread: (thread: string) => `in ${thread}`,
    thread: 'Thread',
    close: 'Close',
    hint: '↑ and ↓ choose, Enter opens, Esc closes',
    count: (n: number) => plural(LOCALE, n, { one: `${count(n)} result`, other: `${count(n)} results` }),
    more: 'More results',
    loadingMore: 'Loading more results…',
    moreFailed: (why: string) => `More results could not be loaded: ${why}`,
  },

  /** A thread opened at a search result, away from its newest messages. */
  jump: {
    shown: 'Showing the message found by search.',
    loadingLater: 'Loading later messages…',
    latest: 'Jump to latest',
  },
};

export type OwnershipStrings = typeof ownershipEn;
