/**
 * The inbox's words for privacy operations (CONTRACT §14): deleted messages and threads,
 * deleting a message, exporting and erasing a visitor. English, the reference for
 * `catalog-privacy-de.ts`; a catalog of its own (like `catalog-ownership-en.ts`) because
 * `catalog-en.ts` is part of the inbox's initial JS and these words are only read after sign-in.
 */
import { plural } from './plural.ts';

const LOCALE = 'en';
const count = (n: number) => n.toLocaleString(LOCALE);

export const privacyEn = {
  /** A deleted message, shown in its place. */
  messageDeleted: 'Message deleted',
  /** The open thread was deleted (erased by an owner, the visitor, or retention). */
  threadDeleted: 'This conversation was deleted. Nothing of it can be shown any more.',
  backToThreads: 'Back to threads',
  /** The message menu's button, named for screen readers. */
  messageMenu: (sender: string) => `Message from ${sender}: actions`,
  deleteMessage: 'Delete',
  deleteMessageTitle: 'Delete this message?',
  deleteMessageBody:
    'Its text and files are erased for everyone in this conversation. It shows as “Message deleted”. This cannot be undone.',
  confirmDelete: 'Delete message',
  cancel: 'Cancel',
  deleting: 'Deleting…',
  deleteFailed: (reason: string) => `The message was not deleted: ${reason}`,
  exportVisitor: 'Export this visitor’s data',
  eraseVisitor: 'Erase this visitor…',
  exporting: 'Preparing the export…',
  exported: (file: string) => `Downloaded ${file}.`,
  exportFailed: (reason: string) => `The export failed: ${reason}`,
  findingVisitor: 'Looking up the visitor…',
  visitorNotFound: 'This conversation’s visitor was not found; there is nothing to export or erase.',
  findFailed: (reason: string) => `The visitor could not be looked up: ${reason}`,
  eraseTitle: 'Erase this visitor?',
  /** Who will be erased, as the operator sees them. */
  visitorLabel: (name: string | null, email: string | null) =>
    name && email ? `${name} (${email})` : name || email || 'An anonymous visitor',
  eraseSummary: (who: string, conversations: number) =>
    plural(LOCALE, conversations, {
      one: `${who} and their ${count(conversations)} conversation will be erased: every message, note and file in it.`,
      other: `${who} and all ${count(conversations)} of their conversations will be erased: every message, note and file in them.`,
    }),
  eraseWarning: 'This cannot be undone. Export their data first if you need a copy.',
  confirmErase: 'Erase visitor',
  erasing: 'Erasing…',
  eraseFailed: (reason: string) => `The visitor was not erased: ${reason}`,
  /** Agent settings: how long visitor conversations are kept. */
  retention: 'Keeping visitor conversations',
  retentionIntro:
    'Conversations with visitors can be erased once nothing has happened in them for a while: every message, note and file, and the visitor with them.',
  keepForever: 'Keep forever',
  eraseAfter: 'Erase visitor conversations after a number of days without activity',
  retentionDays: 'Days without activity',
  retentionDaysHint: 'Fractions are allowed: 0.5 is twelve hours. At least one minute (0.0007), at most 3,650 (ten years).',
  retentionInvalid: 'Enter a number of days from 0.0007 (one minute) to 3,650 (ten years), for example 30 or 0.5.',
  saveRetention: 'Save',
  /** The agent's audit log (CONTRACT §14). */
  auditLink: 'Audit log',
  auditTitle: (agent: string) => `Audit log of ${agent}`,
  auditIntro:
    'Who changed what for this agent, newest first. Entries hold no message content and no secrets, and name visitors by id only.',
  backToSettings: 'Back to settings',
  auditFilter: 'Show',
  allActions: 'All actions',
  /** Each action the server records, in words; an unknown one shows as the server names it. */
  auditActions: {
    'agent.settings_changed': 'Settings changed',
    'agent.identity_secret_rotated': 'Identity secret rotated',
    'agent.token_issued': 'Agent token issued',
    'agent.token_revoked': 'Agent token revoked',
    'webhook.created': 'Webhook created',
    'webhook.deleted': 'Webhook deleted',
    'approval.decided': 'Approval decided',
    'thread.taken_over': 'Conversation taken over',
    'thread.assigned': 'Conversation assigned',
    'visitor.exported': 'Visitor’s data exported',
    'visitor.erased': 'Visitor erased',
    'thread.erased': 'Conversation erased',
    'audit.read': 'Audit log read',
  } as Record<string, string>,
  /** Why a visitor or conversation was erased (`details.reason`). */
  erasureReasons: {
    erased_by_owner: 'by an owner',
    erased_by_visitor: 'by the visitor',
    retention: 'by the retention setting',
  } as Record<string, string>,
  actorAdmin: 'An administrator (command line)',
  actorSystem: 'The server (automatic)',
  actorUser: (id: string) => `User ${id}`,
  actorVisitor: (id: string) => `Visitor ${id}`,
  /** The entry's line under its action: who did it, and to what. */
  auditBy: (actor: string) => `By ${actor}`,
  targets: {
    visitor: (id: string) => `visitor ${id}`,
    thread: (id: string) => `conversation ${id}`,
    agent: () => 'this agent',
    agent_token: (id: string) => `agent token ${id}`,
    webhook: (id: string) => `webhook ${id}`,
    approval: (id: string) => `approval ${id}`,
    audit: () => 'the audit log',
  } as Record<string, (id: string) => string>,
  auditOn: (target: string) => `On ${target}`,
  loadingAudit: 'Loading the audit log…',
  auditEmpty: 'Nothing has been recorded for this agent yet.',
  auditEmptyFiltered: 'No entries for this action.',
  auditLoadFailed: (reason: string) => `The audit log could not be loaded: ${reason}`,
  loadOlder: 'Load older entries',
  loadingOlder: 'Loading older entries…',
  olderFailed: (reason: string) => `Older entries could not be loaded: ${reason}`,
  auditAllShown: 'That is every entry.',
};

export type PrivacyStrings = typeof privacyEn;
