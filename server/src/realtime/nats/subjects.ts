/** One NATS subject token: no dots, wildcards or spaces. */
const TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

export const isSubjectToken = (value: string): boolean => TOKEN.test(value);

/** The seed's `<source>` for everything this server publishes. */
const SOURCE = 'chat';

/** What a received subject names: `events.<org>.chat.<resource>.<event>.<id>`. */
export interface SubjectParts {
  resource: string;
  event: string;
  id: string;
}

/**
 * Subjects after the event-bus seed: `events.<org>.<source>.<resource>.<event>.<id>`, e.g.
 * `events.local.chat.thread.message_committed.<thread_id>`. Ids are checked to be one
 * token, so that no id can widen or redirect a subject.
 */
export class Subjects {
  readonly prefix: string;
  /** The one subscription every process makes. */
  readonly all: string;

  constructor(org: string) {
    if (!isSubjectToken(org)) throw new Error(`"${org}" is not a subject token.`);
    this.prefix = `events.${org}.${SOURCE}.`;
    this.all = `${this.prefix}>`;
  }

  of(resource: string, event: string, id: string): string {
    for (const token of [resource, event, id]) {
      if (!isSubjectToken(token)) throw new Error(`"${token}" cannot be a subject token.`);
    }
    return `${this.prefix}${resource}.${event}.${id}`;
  }

  /** The parts of a subject under this prefix; null for anything else. */
  parse(subject: string): SubjectParts | null {
    if (!subject.startsWith(this.prefix)) return null;
    const parts = subject.slice(this.prefix.length).split('.');
    if (parts.length !== 3) return null;
    const [resource, event, id] = parts as [string, string, string];
    return { resource, event, id };
  }
}
