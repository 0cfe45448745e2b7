/**
 * Every word the inbox shows, in English: the reference catalog. `InboxStrings` is its type,
 * so the German catalog (`catalog-de.ts`) must have exactly these keys; a missing or extra
 * translation is a type error. Strings that take values are functions; counts go through
 * `Intl.PluralRules` (see `plural`), numbers, lists and dates through `Intl` too.
 */
import type { ApiErrorCode } from '../core/api/api-error.ts';
import { plural } from './plural.ts';

const LOCALE = 'en';
const list = (names: readonly string[]) => new Intl.ListFormat(LOCALE, { type: 'conjunction' }).format(names);
const count = (n: number) => n.toLocaleString(LOCALE);
/** "is" or "are" for a list of names. */
const verb = (names: readonly string[]) => plural(LOCALE, names.length, { one: 'is', other: 'are' });

export const en = {
  /** The BCP 47 tag for `Intl` and `<html lang>`. */
  locale: 'en',

  common: {
    loading: 'Loading…',
    tryAgain: 'Try again',
    cancel: 'Cancel',
    retry: 'Retry',
    send: 'Send',
    agentTag: 'agent',
    visitorTag: 'Visitor',
    you: 'You',
    /** A sender the thread does not name. */
    someoneAgent: 'Agent',
    someoneVisitor: 'Visitor',
    someoneSystem: 'System',
    someone: 'Someone',
    justYou: 'Just you',
    somethingWentWrong: (where: string) => `Something went wrong in ${where}.`,
    connecting: 'Connecting…',
  },

  /** Names of panels for the error boundary ("Something went wrong in the thread list."). */
  panels: {
    inbox: 'the inbox',
    signIn: 'the sign-in page',
    threadList: 'the thread list',
    agentSettings: 'the agent settings',
    thread: 'this thread',
  },

  signIn: {
    title: 'Sign in to your inbox',
    email: 'Email',
    password: 'Password',
    submit: 'Sign in',
    submitting: 'Signing in…',
    wrongPassword: 'Wrong email or password.',
    unreachable: 'The server cannot be reached. Check your connection and try again.',
    failed: 'Signing in failed. Try again.',
    demoHint: 'Local demo:',
    demoOr: 'or',
    demoPassword: 'password',
    sessionExpired: 'Your session has expired. Sign in again; nothing you wrote is lost.',
  },

  shell: {
    tabTitle: 'Inbox',
    signedInAs: (name: string) => `Signed in as ${name}`,
    themeLabel: 'Theme',
    themeSystem: 'System theme',
    themeLight: 'Light',
    themeDark: 'Dark',
    languageLabel: 'Language',
    languageBrowser: 'Browser default',
    agentSettings: 'Agent settings',
    notificationSettings: 'Notification settings',
    loadingNotificationSettings: 'Loading the notification settings…',
    enableNotifications: 'Enable notifications',
    notificationTitle: (who: string, thread: string | null) => (thread ? `${who} in ${thread}` : who),
    signOut: 'Sign out',
    loadingAgentSettings: 'Loading the agent settings…',
    backToThreads: '← Threads',
    threadCannotOpen: (why: string) => `This thread cannot be opened: ${why}`,
    pickThread: 'Pick a thread',
    pickThreadHint:
      'Choose a conversation on the left, or start a new one. Alt+↑ and Alt+↓ move between threads; / jumps to the message box.',
  },

  notifications: {
    label: 'Desktop notifications',
    on: 'Desktop notifications are on.',
    blocked: 'Desktop notifications are blocked.',
    blockedHelp:
      'To allow them, open this site’s settings in your browser (the icon left of the address), set Notifications to “Allow”, then reload the page.',
    unsupported: 'This browser does not support desktop notifications.',
    threadMenu: 'Thread options',
    mute: 'Mute notifications',
    unmute: 'Unmute notifications',
    muted: 'Notifications muted',
    muteFailed: 'This browser did not keep the setting (its storage is full or switched off).',
  },

  webhooks: {
    menuItem: 'Webhooks',
    title: 'Webhooks of this thread',
    intro: 'Every event of this thread is posted to these addresses. Anyone taking part can delete one.',
    loading: 'Loading webhooks…',
    loadFailed: (reason: string) => `The webhooks could not be loaded: ${reason}`,
    none: 'This thread has no webhooks.',
    close: 'Close',
    on: 'On',
    off: (reason: string) => `Off: ${reason}`,
    reasons: {
      delivery_failed: 'the receiver kept failing',
      creator_disabled: 'its creator’s account is disabled',
      creator_password_changed: 'its creator’s password changed',
      creator_lost_access: 'its creator no longer sees this thread',
      creator_unknown: 'its creator could not be confirmed',
    } as Record<string, string>,
    unknownReason: 'stopped',
    createdBy: (who: string, when: string) => `Added by ${who}, ${when}`,
    someone: 'someone',
    delete: 'Delete',
    deleting: 'Deleting…',
    deleteLabel: (url: string) => `Delete the webhook to ${url}`,
    deleted: (url: string) => `Webhook to ${url} deleted.`,
    deleteFailed: (reason: string) => `The webhook could not be deleted: ${reason}`,
  },

  connection: {
    lostRetryIn: (seconds: number) => `Connection lost. Trying again in ${count(seconds)} s.`,
    lostReconnecting: 'Connection lost. Reconnecting…',
    offline: 'You are offline. Messages will send when you are back.',
    failed: (reason: string, _code: number | null) => `Cannot connect: ${reason}`,
    paused: 'The connection is paused.',
    retryNow: 'Retry now',
    newVersion: 'A new version of the app is available —',
    reload: 'Reload',
  },

  threadList: {
    label: 'Threads',
    heading: 'Inbox',
    newThread: 'New thread',
    filter: 'Filter threads',
    loadingThreads: 'Loading threads',
    loadFailed: (why: string) => `The threads could not be loaded: ${why}`,
    noMatch: 'No thread matches this filter.',
    empty: 'No threads yet. Start one with “New thread”.',
    loadMore: 'Load more threads',
    typing: (names: readonly string[]) => `${names.join(', ')} ${verb(names)} typing…`,
    /** A run in the thread is blocked on an approval: said instead of typing, with its own mark. */
    awaitingApproval: 'Waiting for your approval',
    approvalMark: 'Approval needed',
    lastMessage: (who: string, text: string) => `${who}: ${text}`,
    noMessages: 'No messages yet',
    codePreview: '[code]',
    someoneViewing: 'Someone is viewing',
    unread: (n: number) => `${count(n)} unread`,
  },

  visitor: {
    verified: '✓ Verified',
    unverified: 'Unverified email',
    verifiedMeaning: (label: string | null) => `Verified: the agent's website signed this visitor's identity${label ? ` (${label})` : ''}.`,
    unverifiedMeaning: (label: string | null) =>
      `Unverified email: the visitor typed ${label ? `“${label}”` : 'this'} themselves; nothing proves it is theirs.`,
    /** An unverified visitor's email or name, shown as what it is. */
    typedLabel: (label: string) => `${label} (typed by visitor)`,
  },

  newThread: {
    title: 'New thread',
    titleField: 'Title (optional)',
    people: 'People',
    nobodyElse: 'Nobody else is here yet.',
    agents: 'Agents',
    agentsAnswer: 'Agents answer',
    modeOpen: 'every message',
    modeMentioned: 'only when mentioned',
    firstMessage: 'First message (optional)',
    createFailed: (why: string) => `The thread could not be created: ${why}`,
    create: 'Create',
    creating: 'Creating…',
  },

  thread: {
    conversation: 'Conversation',
    untitled: 'Thread',
    participants: 'Participants',
    viewing: ' (viewing)',
    agentSettingsOf: (name: string) => `${name} settings`,
    agentAnswers: 'Agent answers',
    modeFailed: (why: string) => `The mode could not be changed: ${why}`,
    synced: 'Synced',
    /** The synced state's tooltip: how far this client has the thread's log. */
    syncedUpTo: (seq: number) => `Up to date to event #${seq}`,
    catchingUp: 'Catching up…',
    offline: 'Offline — messages will send when you are back',
    syncFailed: 'Could not sync — retrying',
    loadingEarlier: 'Loading earlier messages…',
    beginning: 'This is the beginning of the thread.',
    loadingMessages: 'Loading messages…',
    newBelow: (n: number) => plural(LOCALE, n, { one: `${count(n)} new message ↓`, other: `${count(n)} new messages ↓` }),
    newMessages: 'New messages',
    typing: (names: readonly string[]) => `${list(names)} ${verb(names)} typing…`,
    thinking: (names: readonly string[]) => `${list(names)} ${verb(names)} thinking…`,
    awaitingApproval: (names: readonly string[]) => `${list(names)} ${verb(names)} waiting for your approval`,
    viewingNow: (names: readonly string[]) => `${list(names)} ${verb(names)} viewing`,
    said: (who: string, text: string) => `${who}: ${text}`,
    asksApproval: (who: string, pending: boolean) => `${who} ${pending ? 'asks' : 'asked'} for approval:`,
    approvals: 'Approvals',
  },

  message: {
    notSent: (why: string | null) => `Not sent: ${why ?? 'the server refused it'}`,
    sending: 'Sending…',
    sent: 'Sent',
    retrying: (why: string) => `Not sent yet (${why}); trying again…`,
    waitingForConnection: 'Waiting for the connection…',
    editLabel: 'Edit the message',
    edit: 'Edit',
    discard: 'Discard',
  },

  /** One line for a durable event that is not a message. */
  events: {
    joined: (name: string) => `${name} joined`,
    modeChanged: (who: string, onlyMentioned: boolean) =>
      `${who} set the thread to ${onlyMentioned ? 'answer only when mentioned' : 'answer every message'}`,
    aTool: 'a tool',
    theRequest: 'the request',
    toolStarted: (who: string, tool: string) => `${who} started ${tool}`,
    toolCompleted: (who: string, tool: string, result: string) => `${who} used ${tool}${result ? `: ${result}` : ''}`,
    approvalPending: (who: string, tool: string) => `${who} asked for approval to run ${tool}`,
    approvalResolved: (who: string, rejected: boolean, tool: string) => `${who} ${rejected ? 'rejected' : 'approved'} ${tool}`,
    approvalExpired: (tool: string) => `The approval for ${tool} expired`,
    escalated: (who: string, to: string, reason: string) => `${who} escalated to ${to || 'someone'}${reason ? `: ${reason}` : ''}`,
    runFailed: (who: string, why: string) => `${who} could not answer: ${why || 'the run failed'}`,
    other: (who: string, name: string) => `${who}: ${name}`,
    note: (who: string, content: string) => `Note by ${who} (only your team sees this): ${content}`,
    statusChanged: (who: string, status: string) => `${who} set the status to ${status}`,
    tookOver: (name: string) => `${name} took over the conversation`,
  },

  composer: {
    label: 'Message',
    placeholder: 'Message… (Enter to send, Shift+Enter for a new line)',
    /** On a touch or narrow screen: no keyboard hint. */
    placeholderTouch: 'Message…',
    placeholderMention: (agent: string) => `Message… (mention @${agent} to ask it)`,
    newSinceWriting: (n: number) =>
      plural(LOCALE, n, {
        one: `${count(n)} new message since you started writing.`,
        other: `${count(n)} new messages since you started writing.`,
      }),
    mention: 'Mention',
    /** The attach button's name; the tray's words load with it (catalog-attachments-en.ts). */
    attach: 'Attach files',
    attachFailed: 'The app cannot be reached: your files are kept and added once you are online.',
    saveFailed: 'The message could not be saved for sending. Try again.',
    tooLong: (over: number) => `Too long: remove ${count(over)} characters to send.`,
    counter: (used: number, max: number) => `${count(used)} / ${count(max)}`,
  },

  runs: {
    status: {
      queued: 'Queued',
      deciding: 'Deciding…',
      running: 'Working…',
      streaming: 'Writing…',
      committed: 'Replied',
      failed: 'Failed',
    },
    noReply: 'Finished without a reply',
    /** A run blocked on a person's approval, whatever it was doing before. */
    waitingApproval: 'Waiting for your approval',
    /** Where a message's run would be while it waits its turn behind another run of its agent. */
    queuedBehindApproval: (agent: string) => `Queued — ${agent} answers this after the pending approval`,
    queuedBehindRun: (agent: string) => `Queued — ${agent} answers this after its current reply`,
    cardLabel: (agent: string) => `Agent run by ${agent}`,
    /** The toggle that opens or closes a run card's steps. */
    steps: 'Steps',
    /** The disclosure that holds the engineer's view: timings, the raw plan, tool inputs and results. */
    details: 'Details',
    decided: 'Decided: ',
    /** The agent's plan in words; `steps` come from the plan… strings below. */
    plan: (steps: readonly string[]) => `Plan: ${steps.join(', then ')}`,
    planReply: 'reply',
    planApproval: (action: string) => `ask for approval to ${action}`,
    planEscalate: (target: string) => `hand over to ${target}`,
    /** Whom an escalation goes to, by the `to` an agent names; anything else is shown as words of its own. */
    escalationTargets: { human: 'a person', someone: 'someone' } as Readonly<Record<string, string>>,
    /**
     * What a known tool does, in words (keys are tool names). `action` completes "ask for
     * approval to …"; unknown tools get the any… sentences around their readable name.
     */
    tools: {
      lookup: { action: 'look up records', running: 'Looking up records…', done: 'Looked up records', failed: 'Could not look up records' },
      send_email: { action: 'send an email', running: 'Sending an email…', done: 'Sent an email', failed: 'Could not send the email' },
    } as Readonly<Record<string, { action: string; running: string; done: string; failed: string }>>,
    anyToolAction: (tool: string) => `use the tool “${tool}”`,
    anyToolRunning: (tool: string) => `Using the tool “${tool}”…`,
    anyToolDone: (tool: string) => `Used the tool “${tool}”`,
    anyToolFailed: (tool: string) => `The tool “${tool}” failed`,
    /** Where a run's technical details name its tool: "Tool: lookup". */
    toolName: (name: string) => `Tool: ${name}`,
    toolCalls: 'Tool calls',
    approvals: 'Approvals',
    escalatedTo: (to: string, reason: string) => (reason ? `Escalated to ${to}: ${reason}` : `Escalated to ${to}`),
    nothingYet: 'Nothing to show yet.',
    retry: 'Retry',
    /** Retry was pressed: the button's words and what screen readers hear until the new attempt shows. */
    retrying: 'Retrying…',
    /** Why a retry was refused, in words a person can act on (see `runs/run-retries.ts`). */
    retryRefused: {
      conflict: 'Not retried: this run was already retried, here or in another tab.',
      denied: 'Not retried: you no longer have access to this conversation.',
      offline: 'Not retried: you are offline. Retry once the connection is back.',
    },
    retryFailed: (why: string) => `Not retried: ${why}`,
    /** The disclosure inside a retry's card that holds the failed attempts it replaced. */
    earlierAttempts: (n: number) => plural(LOCALE, n, { one: 'An earlier attempt failed', other: `${count(n)} earlier attempts failed` }),
    show: 'Show',
    hide: 'Hide',
    attemptFailed: (n: number, why: string) => `Attempt ${count(n)} failed: ${why}`,
    approvalsWaiting: (n: number) => plural(LOCALE, n, { one: `${count(n)} approval waiting`, other: `${count(n)} approvals waiting` }),
    toolCallCount: (n: number) => plural(LOCALE, n, { one: `${count(n)} tool call`, other: `${count(n)} tool calls` }),
    escalated: 'escalated',
    firstWords: (duration: string) => `First words after ${duration}`,
    total: (duration: string) => `Total ${duration}`,
    elapsed: (duration: string) => `Elapsed ${duration}`,
    /** A duration in seconds, the number already formatted for the locale. */
    seconds: (number: string) => `${number} s`,
    /** `relative` is an `Intl.RelativeTimeFormat` text ("in 42 seconds"). */
    expiresIn: (relative: string) => `expires ${relative}`,
    expired: 'expired',
    approvalNeeded: (action: string) => `Approval needed to ${action}`,
    approvalFor: (action: string) => `Approval to ${action}`,
    approvedBy: (by: string | null) => (by ? `Approved by ${by}` : 'Approved'),
    rejectedBy: (by: string | null) => (by ? `Rejected by ${by}` : 'Rejected'),
    outcomeExpired: 'Expired',
    waitingDecision: 'Waiting for a decision',
    approve: 'Approve',
    reject: 'Reject',
    approving: 'Approving…',
    rejecting: 'Rejecting…',
    decideFailed: (approve: boolean, why: string) => `Could not ${approve ? 'approve' : 'reject'}: ${why}`,
    input: 'Input ',
    result: 'Result ',
    genericError: 'Something went wrong. Try again.',
  },

  markdown: { code: 'code', table: 'Table', image: 'Image', done: 'Done', notDone: 'Not done' },

  agents: {
    yourAgents: 'Your agents',
    yourAgentsIntro: 'Agents you own. Open one to choose where its chat may be used and to manage its secrets.',
    loadingAgents: 'Loading agents…',
    noAgents: 'You do not own any agent, so there are no agent settings for you here.',
    settingsArrow: 'Settings →',
    settingsShort: 'settings',
    close: '← Close',
    escHint: '(Esc)',
    allAgents: 'All your agents',
    settingsTitle: (name: string) => `${name} settings`,
    settingsIntro: (slug: string) => `Agent “${slug}”: who may chat with it, and how programs act as it.`,
    loadingSettings: 'Loading settings',
    ownersOnly: 'Only this agent’s owners can see and change its settings.',
    noSuchAgent: (slug: string) => `There is no agent “${slug}”.`,
    settingsLoadFailed: (why: string) => `The settings could not be loaded: ${why}`,
    loadFailed: (what: 'agents' | 'tokens', why: string) => `The ${what} could not be loaded: ${why}`,
    saving: 'Saving…',
    saveFailed: (why: string | null) => `Could not save: ${why ?? 'unknown error'}`,
    saved: 'Saved.',
    never: 'never',

    websites: 'Allowed websites',
    websitesIntro: 'Only pages on the websites listed here can open this agent’s chat widget. Pages anywhere else are refused.',
    websitesEmptyBefore: 'No websites listed: the chat works on ',
    websitesEmptyStrong: 'any website',
    websitesEmptyAfter: '.',
    remove: 'Remove',
    removeOrigin: (origin: string) => `Remove ${origin}`,
    websiteAddress: 'Website address',
    websiteHint: 'Like https://shop.example.com — the scheme and host (and a port if it has one), no path.',
    addWebsite: 'Add website',
    origin: {
      empty: (example: string) => `Type a website address, for example ${example}.`,
      noScheme: (host: string) => `Start the address with https:// (or http://), for example https://${host}.`,
      notAddress: (typed: string, example: string) => `“${typed}” is not a website address. Write it like ${example}.`,
      badScheme: (example: string) => `Only http:// and https:// websites can be allowed, for example ${example}.`,
      noHost: (typed: string, example: string) => `“${typed}” has no host name. Write it like ${example}.`,
      credentials: (example: string) => `Leave out the user name and password: give only the website, like ${example}.`,
      hasPath: (origin: string, typed: string) => `Give only the website, without a path: ${origin} instead of ${typed}.`,
      duplicate: (origin: string) => `${origin} is already in the list.`,
      tooMany: (max: number) => `At most ${count(max)} websites can be listed. Remove one first.`,
    },

    requireVerified: 'Require verified identity',
    requireVerifiedOn:
      'When on, only visitors your website vouches for can chat: your site’s backend signs an identity token with the identity secret below and hands it to the widget. Anonymous visitors cannot start or continue a conversation; the chat asks them to sign in on your website instead.',
    requireVerifiedOff: 'When off, anyone can chat. The email they type is only a label and is shown as “Unverified email”.',
    noSecretWarning: 'There is no identity secret yet, so nobody can chat now. Generate one below and give it to your website’s backend.',

    replyTime: 'Expected reply time',
    replyTimeIntro: 'Visitors read “A person usually replies within …” under the greeting. Leave it empty to say nothing.',
    replyTimeAmount: 'Usually replies within',
    replyTimeUnit: 'Unit',
    minutes: 'minutes',
    hours: 'hours',
    saveReplyTime: 'Save reply time',
    replyTimeInvalid: 'Enter a whole number from 1 minute to 168 hours (a week), or leave it empty.',

    followUp: 'Email visitors who left',
    followUpIntro:
      'When a visitor who gave their email has left and a reply waits unseen for a few minutes, they get one email with the replies and a link that opens this conversation again on your page (at most one email an hour). Private notes are never sent.',
    followUpOn: 'Email visitors the replies they did not see',
    websiteUrl: 'Address of the page with the chat',
    websiteUrlHint: 'The email’s link opens the chat there, for example https://shop.example.com/help.',
    saveFollowUp: 'Save follow-up',
    websiteUrlInvalid: 'Enter a full address that starts with https:// or http://, without a # part.',
    websiteUrlNeeded: 'Enter the address of the page with the chat: the email links there.',

    identitySecret: 'Identity secret',
    identitySecretIntro:
      'Your website’s backend signs each visitor’s identity token with this secret (HS256), so the chat knows who they are on any device. Keep it on your server: never put it in a web page.',
    secretSet: (created: string | null) => `A secret is set${created ? `, created ${created}` : ''}.`,
    noSecret: 'No identity secret yet: visitors cannot be verified.',
    newSecret: 'New identity secret',
    generating: 'Generating…',
    rotateSecret: 'Rotate secret',
    generateSecret: 'Generate secret',
    generateFailed: (why: string) => `The secret could not be generated: ${why}`,
    rotateTitle: 'Rotate the identity secret?',
    rotating: 'Rotating…',
    rotateFailed: (why: string) => `The secret could not be rotated: ${why}`,
    rotateWarning:
      'A new secret replaces the current one at once. Identity tokens signed with the old secret stop working until your website’s backend uses the new one.',
    rotateKeeps: 'Visitors already chatting on this browser keep their conversations.',

    tokens: 'Agent tokens',
    tokensIntroBefore: 'A program acts as this agent through the API with one of these tokens (',
    tokensIntroAfter: '). Each is shown once, when issued; revoke one you no longer use or that may have leaked.',
    newToken: 'New agent token',
    issuing: 'Issuing…',
    issueToken: 'Issue token',
    issueFailed: (why: string) => `The token could not be issued: ${why}`,
    loadingTokens: 'Loading tokens…',
    noTokens: 'No agent tokens yet. Issue one to connect a program as this agent.',
    tokenDates: (created: string, lastUsed: string) => `Created ${created} · Last used ${lastUsed}`,
    revoke: 'Revoke',
    revokeLabel: (prefix: string, created: string) => `Revoke token ${prefix}… (created ${created})`,
    revokeTitle: (prefix: string) => `Revoke token ${prefix}…?`,
    revokeToken: 'Revoke token',
    revoking: 'Revoking…',
    revokeFailed: (why: string) => `The token could not be revoked: ${why}`,
    revokeWarning: 'Programs using this token are refused at once, including event streams they have open. This cannot be undone.',
    revoked: (prefix: string) => `Token ${prefix}… revoked: it no longer works.`,

    copyWarning: 'Copy it now and keep it somewhere safe: it will not be shown again.',
    copy: 'Copy',
    copyDone: 'Done, I have copied it',
    copied: 'Copied to the clipboard.',
    selected: 'Selected: press Ctrl+C (⌘C on a Mac) to copy.',
  },

  /**
   * An API error in words. English shows the server's own message (it names what failed);
   * other languages say what the code means, since the server speaks English.
   */
  apiError: (_code: ApiErrorCode, message: string) => message,
  /** Why an agent run failed: English shows the runtime's message, other languages what its code means. */
  runError: (_code: string, message: string) => message,
};

export type InboxStrings = typeof en;
