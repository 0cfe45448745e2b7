/**
 * What the widget remembers about a visitor between visits, in `localStorage` under one
 * namespaced key per chat server and agent: the conversation to resume, the visitor token
 * that proves it is theirs (CONTRACT §7), who they are, how far they have read, and the
 * unread count for the launcher badge.
 */
export interface VisitorRecord {
  threadId: string | null;
  /** `vt_…` from the resolve call: the visitor's only proof; sent as a header, never in a URL. */
  visitorToken: string | null;
  /** The server vouched for this visitor through the site's identity token. */
  verified: boolean;
  email: string | null;
  name: string | null;
  /** `visitor:<uuid>`: which messages are the visitor's own. */
  senderId: string | null;
  appliedSeq: number;
  unread: number;
  /** The conversation in which closing the panel offered to leave an email (leave-offer.tsx): offered once per conversation. */
  leaveAsked: string | null;
}

export const EMPTY_VISITOR: Readonly<VisitorRecord> = {
  threadId: null,
  visitorToken: null,
  verified: false,
  email: null,
  name: null,
  senderId: null,
  appliedSeq: 0,
  unread: 0,
  leaveAsked: null,
};

/** The shape of a visitor token (CONTRACT §7: `vt_` + base64url of 32 random bytes, with room to grow). */
export const VISITOR_TOKEN_PATTERN = /^vt_[A-Za-z0-9_-]{20,200}$/;

export function visitorKey(apiBaseUrl: string, agent: string): string {
  return `ama2chat:${apiBaseUrl}:${agent}`;
}

/** Longest email (RFC 5321 path) or name kept. */
const MAX_TEXT = 320;
const MAX_ID = 200;

type Check = (value: unknown) => boolean;
const nullableText =
  (max: number, pattern?: RegExp): Check =>
  (value) =>
    value === null || (typeof value === 'string' && value.length > 0 && value.length <= max && (!pattern || pattern.test(value)));
const count: Check = (value) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Every field and what it may hold: a record with any other value is not ours (or was damaged). */
const threadIdCheck = nullableText(MAX_ID, /^[A-Za-z0-9_-]+$/);
const FIELDS: Record<keyof VisitorRecord, Check> = {
  threadId: threadIdCheck,
  visitorToken: nullableText(MAX_ID + 3, VISITOR_TOKEN_PATTERN),
  verified: (value) => typeof value === 'boolean',
  email: nullableText(MAX_TEXT),
  name: nullableText(MAX_TEXT),
  senderId: nullableText(MAX_ID, /^visitor:[^\s]+$/),
  appliedSeq: count,
  unread: count,
  leaveAsked: threadIdCheck,
};

/**
 * Validates a stored value: the record, or null when anything in it is missing or wrong. A
 * record written before visitor tokens existed (no `visitorToken` / `verified`) is read as
 * having none, so its visitor is asked to start again rather than resumed by email alone;
 * one written before `leaveAsked` existed, as not asked yet.
 */
export function parseVisitor(raw: unknown): VisitorRecord | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const input: Record<string, unknown> = { visitorToken: null, verified: false, leaveAsked: null, ...(raw as Record<string, unknown>) };
  const record = { ...EMPTY_VISITOR };
  for (const [key, check] of Object.entries(FIELDS) as [keyof VisitorRecord, Check][]) {
    const value = input[key];
    if (!check(value)) return null;
    (record as Record<string, unknown>)[key] = value;
  }
  return record;
}

/** Reads the record; a missing, foreign or damaged one reads as a new visitor (storage is a boundary). */
export function loadVisitor(key: string, storage: Storage | null = safeStorage()): VisitorRecord {
  try {
    const raw = storage?.getItem(key);
    if (!raw) return { ...EMPTY_VISITOR };
    return parseVisitor(JSON.parse(raw)) ?? { ...EMPTY_VISITOR };
  } catch {
    return { ...EMPTY_VISITOR };
  }
}

/**
 * What the loader's launcher shows before the panel loads: the stored unread count (read
 * without the whole record's check, which comes with the panel; it corrects the badge when it
 * mounts; anything but a whole positive number reads as none), and whether this tab left the
 * panel open (see {@link rememberOpen}). Read as storage properties: a missing key is
 * `undefined`, which `JSON.parse` refuses like anything else that is not a record.
 */
export function storedLauncher(key: string): [unread: number, open: boolean] {
  let open = false;
  let unread: unknown;
  try {
    open = !!sessionStorage[key];
    unread = (JSON.parse(localStorage[key] as string) as { unread?: unknown }).unread;
  } catch {
    // Storage blocked, or no record.
  }
  // (Only a whole number from 0 to 2³² − 1 is its own `>>> 0`; 0 shows no badge.)
  return [unread === (unread as number) >>> 0 ? (unread as number) : 0, open];
}

/**
 * Remembers whether the panel is open in this tab, so that a reload, or the next page of the
 * site, opens it again (the loader reads it, {@link storedLauncher}). `sessionStorage` is the
 * tab's own: a new tab starts closed. The key is the visitor record's, in the other storage.
 */
export function rememberOpen(key: string, open: boolean): void {
  try {
    if (open) sessionStorage.setItem(key, '1');
    else sessionStorage.removeItem(key);
  } catch {
    // Storage blocked: the next page starts closed, as before.
  }
}

export function saveVisitor(key: string, record: VisitorRecord, storage: Storage | null = safeStorage()): void {
  try {
    storage?.setItem(key, JSON.stringify(record));
  } catch {
    // Storage full or blocked (private mode): the conversation still works, it just is not resumed.
  }
}

/** Forgets the record (`AMA2Chat.reset()`); the visitor's other tabs hear it and start fresh too. */
export function removeVisitor(key: string, storage: Storage | null): void {
  try {
    storage?.removeItem(key);
  } catch {
    // Storage blocked: nothing was kept.
  }
}

/** localStorage, or null where reading it throws (sandboxed iframes, blocked cookies). */
export function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
