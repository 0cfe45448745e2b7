/**
 * Which tab of this browser profile and user is the leader: the one that holds the user's
 * connection, drains the outbox and shows notifications. Exactly one tab leads at a time;
 * when it closes, crashes or is frozen, another takes over. Owned and closed by the tab hub (`TabHub.close`).
 */
export interface TabLeadership {
  /** Unique per page load. */
  readonly tabId: string;
  isLeader(): boolean;
  /** Called when this tab becomes or stops being the leader; returns an unsubscribe function. */
  subscribe(listener: (isLeader: boolean) => void): () => void;
  /** Another tab's beat says it leads: it is alive (a leader silent too long is replaced). */
  heardLeader?(): void;
  /** Gives up (or stops waiting for) leadership, e.g. on sign-out or page hide. */
  close(): void;
}
