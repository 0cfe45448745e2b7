/**
 * Every word the panel shows, per language. A catalog is a plain object (strings, and
 * functions for the few that take a value), so a missing translation is a type error.
 */
import type { MarkdownLabels } from '../../src/markdown/markdown-style.ts';
import type { ReplyUnit } from './reply-time.ts';

/** What a visitor reads about one of the agent's tools (visitor-tool-words.ts): plain words, no identifier. */
export interface VisitorToolWords {
  /** While a team member decides whether the step may run. */
  checking: string;
  /** While the tool runs. */
  working: string;
}

export interface PanelStrings {
  chat: string;
  close: string;
  newConversation: string;
  unknownAgent(slug: string): string;
  unavailable: string;
  tryAgain: string;
  somethingWrong: string;

  /** Under the greeting: the agent's expected reply time (reply-time.ts). */
  repliesWithin(count: number, unit: ReplyUnit): string;
  starting: string;
  startFailed: string;
  notAvailableHere: string;
  signInRequired: string;
  identityInvalid: string;
  conversationReset: string;

  conversation: string;
  newMessages: string;
  showEarlier: string;
  you: string;
  teamMember: string;
  assistant: string;
  saidBy(name: string, text: string): string;

  messageLabel: string;
  placeholder: string;
  send: string;
  /** The attach button's name (CONTRACT §13); the tray's words load with the tray (attach-words.ts). */
  attach: string;
  /** The tray's chunk could not be loaded (offline before the first attach). */
  attachFailed: string;
  /** The first message's files a reload lost: the message was not sent, its text is in the composer again. */
  filesNotKept(names: string): string;
  counter(used: number, max: number): string;
  tooLong(over: number): string;

  thinking: string;
  /** Words per tool the demo agent (or a known agent) uses, by the tool's name. */
  tools: Readonly<Record<string, VisitorToolWords>>;
  /** Any other tool: words that name nothing of it. */
  anyTool: VisitorToolWords;
  approved: string;
  rejected: string;
  approvalExpired: string;
  escalated: string;
  joined(name: string): string;
  replyFailed: string;
  typing(name: string): string;
  talkToPerson: string;
  waitingForPerson: string;
  resolved: string;

  sending: string;
  waitingToSend: string;
  notSent: string;
  retry: string;
  discard: string;

  paused: string;
  gone: string;
  startNew: string;
  reconnectingIn(seconds: number): string;
  reconnecting: string;
  retryNow: string;
  offline: string;
  connectFailed: string;
  rateLimited(seconds: number): string;
  agentError: string;
  /** Above the launcher, for a reply that came while the panel was closed (reply-preview.tsx). */
  newReply: string;
  dismissPreview: string;
  /** The header's button to the visitor's other conversations (the rest of its words: history-words.ts). */
  earlierConversations: string;
  /** The header button that asks to erase this conversation (its question and end state load on demand: privacy-ui.ts). */
  deleteConversation: string;
  /** Words in rendered markdown: an image link's prefix, and names a screen reader says. */
  markdown: MarkdownLabels;
}

export const en: PanelStrings = {
  chat: 'Chat',
  close: 'Close chat',
  newConversation: 'New conversation',
  unknownAgent: (slug) => `This chat is not available: there is no agent called “${slug}”.`,
  unavailable: 'The chat cannot be reached right now.',
  tryAgain: 'Try again',
  somethingWrong: 'Something went wrong in the chat.',

  repliesWithin: (count, unit) => `A person usually replies within ${count} ${unit}${count === 1 ? '' : 's'}.`,
  starting: 'Starting…',
  startFailed: 'The conversation could not be started.',
  notAvailableHere: 'This chat isn’t available on this website.',
  signInRequired: 'Please sign in on this website to chat with us.',
  identityInvalid: 'We could not confirm who you are. Please sign in on this website again, then reopen the chat.',
  conversationReset: 'Your previous conversation is no longer available; this is a new one.',

  conversation: 'Conversation',
  newMessages: 'New messages',
  showEarlier: 'Show earlier messages',
  you: 'You',
  teamMember: 'Team member',
  assistant: 'Assistant',
  saidBy: (name, text) => `${name}: ${text}`,

  messageLabel: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  attach: 'Attach a file',
  attachFailed: 'The chat cannot be reached: your files are kept and added once you are online.',
  filesNotKept: (names) => `Your message was not sent: the page reloaded before ${names} could be kept. Attach again, then send.`,
  counter: (used, max) => `${used} / ${max}`,
  tooLong: (over) => `${over} characters too long`,

  thinking: 'Thinking…',
  tools: {
    lookup: { checking: 'A team member is checking that I may look this up…', working: 'Looking that up for you…' },
    send_email: { checking: 'A team member is checking the email before I send it…', working: 'Sending the email…' },
  },
  anyTool: { checking: 'The team is checking a step before I continue…', working: 'Working on your request…' },
  approved: 'A team member approved it.',
  rejected: 'A team member declined it.',
  approvalExpired: 'Nobody approved it in time.',
  escalated: 'A person from the team will join the conversation.',
  joined: (name) => `${name} from the team joined the conversation.`,
  replyFailed: 'The assistant could not reply. Please try again.',
  typing: (name) => `${name} is typing…`,
  talkToPerson: 'Talk to a person',
  waitingForPerson: 'Waiting for a person…',
  resolved: 'This conversation was resolved.',

  sending: 'Sending…',
  waitingToSend: 'Waiting to send…',
  notSent: 'Not sent.',
  retry: 'Retry',
  discard: 'Delete',

  paused: 'Paused — send a message to continue.',
  gone: 'This conversation is no longer available.',
  startNew: 'Start a new conversation',
  reconnectingIn: (seconds) => `Reconnecting… next try in ${seconds} s.`,
  reconnecting: 'Reconnecting…',
  retryNow: 'Retry now',
  offline: 'You are offline. Messages will be sent when you are back online.',
  connectFailed: 'Cannot connect to the chat.',
  rateLimited: (seconds) => `Too many messages; try again in ${seconds} s.`,
  agentError: 'Something went wrong. Please try again.',
  newReply: 'New reply',
  dismissPreview: 'Dismiss',
  earlierConversations: 'Earlier conversations',
  deleteConversation: 'Delete this conversation',
  markdown: { code: 'code', table: 'Table', image: 'Image', done: 'Done', notDone: 'Not done' },
};

/** The language of a BCP 47 locale the panel speaks ('de-DE' → 'de'); English for anything unknown. */
export function languageOf(locale: string | null | undefined): 'en' | 'de' {
  return (locale ?? '').trim().toLowerCase().split(/[-_]/)[0] === 'de' ? 'de' : 'en';
}

/**
 * The catalog for a locale. English comes with the panel and is answered at once; German is a
 * chunk of its own (i18n-de.ts, ~1.2 KB gzip that an English-speaking visitor need not
 * download), so the panel waits for it before it first renders: never English, then German.
 * A German catalog that cannot load (the visitor went offline) gives English: the chat in
 * the other language beats no chat.
 */
export function loadStrings(locale: string | null | undefined): PanelStrings | Promise<PanelStrings> {
  if (languageOf(locale) === 'en') return en;
  return import('./i18n-de.ts').then(
    (german) => german.de,
    () => en,
  );
}
