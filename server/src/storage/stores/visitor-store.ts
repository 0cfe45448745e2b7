import type { NotificationLanguage } from '../../../../src/core/protocol/notifications.ts';
import type {
  IdentifiedVisitorInput,
  NewVisitor,
  ResumeVisitorInput,
  VisitorRecord,
  VisitorResolution,
  VisitorThreadSummary,
} from '../storage.ts';

/** Widget visitors, their tokens and their open thread (`storage.visitors`). */
export interface VisitorStore {
  /**
   * A new visitor with its first (public) thread and its first token, all or nothing. Any
   * number of visitors may share an email: it is a label, never a key (CONTRACT §7).
   */
  create(input: NewVisitor): Promise<VisitorResolution>;
  /**
   * The visitor of (agent, `sub`) vouched for by an identity token: created (verified) with a
   * thread when new, else its open thread (or, with `fresh`, a new one). Either way the
   * device's new token is added and given labels update the visitor's.
   */
  resolveIdentified(input: IdentifiedVisitorInput): Promise<VisitorResolution>;
  /**
   * A returning visitor (known by its token): its open thread, or with `fresh` a new thread
   * that becomes its open one (the old stays in the owners' inbox). Given labels update the
   * visitor's; `bind` makes an unbound visitor the verified visitor of that identity when no
   * other visitor has it (see `IdentityBinding`; `bound` in the answer says whether it
   * did). Undefined when the visitor does not exist.
   */
  resume(input: ResumeVisitorInput): Promise<VisitorResolution | undefined>;
  /**
   * The visitor of the agent that holds this token hash, if any, with the token's last use
   * (its creation when never touched): callers refuse tokens idle too long.
   */
  byToken(agentId: string, tokenHash: string): Promise<(VisitorRecord & { tokenLastUsedAt: string }) | undefined>;
  /** [ext] Remembers the widget's language for the visitor's follow-up emails (CONTRACT §12). */
  setLanguage(visitorId: string, language: NotificationLanguage): Promise<void>;
  /** Records a use of a visitor token (callers throttle this; it is not a per-request write). */
  touchToken(tokenHash: string, usedAt: string): Promise<void>;
  /** Revokes one of the agent's visitor tokens (the visitor and their threads stay); false when it was not there. */
  revokeToken(agentId: string, tokenHash: string): Promise<boolean>;
  /** The visitor of (agent, identity `sub`), if any. */
  byIdentity(agentId: string, sub: string): Promise<VisitorRecord | undefined>;
  /** The visitor who started a public thread (also after they moved on to a fresh one). */
  ofThread(threadId: string): Promise<VisitorRecord | undefined>;
  /**
   * The visitor's own threads (every one they started, also those left by a fresh start),
   * most recently updated first, at most `limit`: the visitor's "my conversations".
   */
  threadsOf(visitorId: string, limit: number): Promise<VisitorThreadSummary[]>;
}
