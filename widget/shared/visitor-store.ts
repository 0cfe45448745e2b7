/**
 * What the widget remembers about a visitor between visits, in `localStorage` under one
 * namespaced key per chat server and agent: the conversation to resume, who they are,
 * how far they have read, and the unread count for the launcher badge.
 */
export interface VisitorRecord {
  threadId: string | null;
  email: string | null;
  name: string | null;
  /** `visitor:<uuid>`: which messages are the visitor's own. */
  senderId: string | null;
  appliedSeq: number;
  unread: number;
}

const EMPTY: VisitorRecord = { threadId: null, email: null, name: null, senderId: null, appliedSeq: 0, unread: 0 };

export function visitorKey(apiBaseUrl: string, agent: string): string {
  return `ama2chat:${apiBaseUrl}:${agent}`;
}

const text = (value: unknown) => (typeof value === 'string' && value.length <= 320 ? value : null);
const count = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0);

/** Reads the record; a missing, foreign or damaged one reads as a new visitor (storage is a boundary). */
export function loadVisitor(key: string, storage: Storage | null = safeStorage()): VisitorRecord {
  try {
    const raw = storage?.getItem(key);
    if (!raw) return { ...EMPTY };
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    return {
      threadId: text(parsed.threadId),
      email: text(parsed.email),
      name: text(parsed.name),
      senderId: text(parsed.senderId),
      appliedSeq: count(parsed.appliedSeq),
      unread: count(parsed.unread),
    };
  } catch {
    return { ...EMPTY };
  }
}

export function saveVisitor(key: string, record: VisitorRecord, storage: Storage | null = safeStorage()): void {
  try {
    storage?.setItem(key, JSON.stringify(record));
  } catch {
    // Storage full or blocked (private mode): the conversation still works, it just is not resumed.
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
