import * as v from 'valibot';

/** The envelope's version: a tab of another build whose envelope differs is not understood, and its messages are dropped. */
export const ENVELOPE_VERSION = 1;

/** The topics carried on the user's one channel. */
export const TAB_TOPICS = ['hub', 'conn', 'outbox', 'read', 'drafts', 'notified', 'notices'] as const;
export type TabTopic = (typeof TAB_TOPICS)[number];

/** The one message shape on the channel `ama2:<userId>`: which topic, which tab, and the topic's body. */
export interface TabEnvelope {
  v: typeof ENVELOPE_VERSION;
  topic: TabTopic;
  from: string;
  body: unknown;
}

const envelopeSchema = v.object({
  v: v.literal(ENVELOPE_VERSION),
  topic: v.picklist(TAB_TOPICS),
  from: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  body: v.unknown(),
});

/** The reason a message failed a valibot schema: the path of its first issue. */
export function issueReason(issues: readonly v.BaseIssue<unknown>[], fallback: string): string {
  const issue = issues[0];
  if (issue && !issue.path && issue.kind !== 'schema') return issue.message;
  const path = issue?.path?.map((item) => String(item.key)).join('.') ?? '';
  return path ? `invalid ${path}` : fallback;
}

export type EnvelopeParse = { ok: true; envelope: TabEnvelope } | { ok: false; reason: string };

/** Checks the envelope of one message from another tab (the body is checked by its topic's schema). */
export function parseEnvelope(input: unknown): EnvelopeParse {
  const result = v.safeParse(envelopeSchema, input);
  return result.success ? { ok: true, envelope: result.output } : { ok: false, reason: issueReason(result.issues, 'not an envelope') };
}
