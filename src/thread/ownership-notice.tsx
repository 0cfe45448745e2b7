import type { EventBody } from '../core/protocol/event-data.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import type { EventEntry } from '../core/sync/log-entry.ts';
import type { OwnershipStrings } from '../i18n/catalog-ownership-en.ts';
import { formatDateTime, formatTime } from '../i18n/format.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useOwnershipStrings } from '../i18n/ownership-strings.ts';
import { agentOf, usePersonName } from '../ownership/people.ts';
import { Avatar } from '../ui/avatar.tsx';

type OwnershipBody = Extract<EventBody, { type: 'status_changed' | 'assignee_changed' | 'handoff' | 'handback' | 'note_added' }>;

/** Whether an event is one of §11's, shown by {@link OwnershipNotice}. */
export function isOwnershipBody(body: EventBody): body is OwnershipBody {
  return (
    body.type === 'status_changed' ||
    body.type === 'assignee_changed' ||
    body.type === 'handoff' ||
    body.type === 'handback' ||
    body.type === 'note_added'
  );
}

/** The quiet line of an ownership event ("Ana took over from Demo", "Resolved by Ana"). */
export function ownershipLine(
  body: Exclude<OwnershipBody, { type: 'note_added' }>,
  entry: EventEntry,
  name: (senderId: string) => string,
  agentName: string,
  o: OwnershipStrings,
  locale: string,
): string {
  const by = body.data.by ?? entry.senderId;
  const person = by.startsWith('user:') ? name(by) : null;
  switch (body.type) {
    case 'handoff':
      return o.events.took(body.data.name || name(body.data.to), agentName);
    case 'handback':
      return o.events.handedBack(agentName, name(by));
    case 'assignee_changed':
      return body.data.assignee_id ? o.events.assigned(name(body.data.assignee_id), name(by)) : o.events.unassigned(name(by));
    case 'status_changed':
      switch (body.data.status) {
        case 'resolved':
          return o.events.resolved(name(by));
        case 'waiting':
          return o.events.waiting(person);
        case 'snoozed':
          return o.events.snoozed(name(by), body.data.snoozed_until ? formatDateTime(locale, body.data.snoozed_until) : '');
        case 'open':
          return body.data.previous === 'snoozed' && !person ? o.events.woke : o.events.reopened(person);
      }
  }
}

/** An ownership event in the timeline: a note as a note, anything else as a quiet centred line. */
export function OwnershipNotice({ entry, body, thread }: { entry: EventEntry; body: OwnershipBody; thread: InboundThread | undefined }) {
  const t = useStrings();
  const o = useOwnershipStrings();
  const name = usePersonName(thread);
  if (body.type === 'note_added') {
    const author = name(entry.senderId);
    return (
      <div className="flex gap-3 px-4 pt-3" data-testid="note">
        <div className="w-9 shrink-0">
          <Avatar name={author} senderId={entry.senderId} />
        </div>
        <div
          role="note"
          aria-label={o.note.by(author)}
          className="min-w-0 flex-1 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 dark:border-amber-700 dark:bg-amber-950/60"
        >
          <div className="flex flex-wrap items-baseline gap-2">
            <span className="font-semibold">{author}</span>
            <span className="rounded bg-amber-200 px-1 text-[11px] font-medium text-amber-900 dark:bg-amber-800 dark:text-amber-100">
              {o.note.tag}
            </span>
            <span className="text-xs text-slate-600 dark:text-slate-400">{formatTime(t.locale, entry.createdAt)}</span>
            <span className="text-xs text-amber-900 dark:text-amber-200">{o.note.onlyTeam}</span>
          </div>
          <p className="break-words whitespace-pre-wrap">{body.data.content}</p>
        </div>
      </div>
    );
  }
  const agentName = agentOf(thread)?.name ?? o.events.theAgent;
  return (
    <p className="px-4 pt-2 text-center text-xs text-slate-600 dark:text-slate-400">
      {ownershipLine(body, entry, name, agentName, o, t.locale)}
    </p>
  );
}
