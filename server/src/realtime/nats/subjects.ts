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
  /** `events.<org>.chat.`: each resource's subscription is the prefix, the resource and `.>`. */
  readonly prefix: string;

  constructor(org: string) {
    if (!isSubjectToken(org)) throw new Error(`"${org}" is not a subject token.`);
    this.prefix = `events.${org}.${SOURCE}.`;
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
    // By the dots' positions, not split: every process parses every frame's subject (20,000 a second in bench:topics).
    const start = this.prefix.length;
    const first = subject.indexOf('.', start);
    const second = first < 0 ? -1 : subject.indexOf('.', first + 1);
    if (second < 0 || subject.indexOf('.', second + 1) >= 0) return null;
    return { resource: subject.slice(start, first), event: subject.slice(first + 1, second), id: subject.slice(second + 1) };
  }
}
