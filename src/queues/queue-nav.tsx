import type { ThreadCounts } from '../core/protocol/rest-schemas.ts';
import { formatCount } from '../i18n/format.ts';
import { useStrings } from '../i18n/locale-store.ts';
import { useOwnershipStrings } from '../i18n/ownership-strings.ts';
import { QUEUES, type QueueId } from './queues.ts';

interface Props {
  queue: QueueId;
  onChange(queue: QueueId): void;
  /** Null while loading or when the server has no counts: the queues show without numbers. */
  counts: ThreadCounts | null;
}

/** The queues as a row of toggle buttons with their live counts; the chosen one is pressed. */
export function QueueNav({ queue, onChange, counts }: Props) {
  const o = useOwnershipStrings();
  const { locale } = useStrings();
  return (
    <div role="group" aria-label={o.queues.label} className="flex flex-wrap gap-1 px-3 pb-1">
      {QUEUES.map((id) => {
        const count = id === 'all' || !counts ? null : counts[id];
        const name = o.queues[id];
        const pressed = id === queue;
        return (
          <button
            key={id}
            type="button"
            aria-pressed={pressed}
            aria-label={count === null ? name : o.queues.withCount(name, count)}
            data-queue={id}
            onClick={() => onChange(id)}
            className={`rounded-full px-2 py-1 text-xs font-medium ${
              pressed
                ? 'bg-indigo-600 text-white'
                : 'bg-slate-100 text-slate-800 hover:bg-slate-200 dark:bg-slate-800 dark:text-slate-200 dark:hover:bg-slate-700'
            }`}
          >
            {name}
            {count !== null && (
              <span
                aria-hidden="true"
                className={`ml-1 ${id === 'waiting' && count > 0 && !pressed ? 'font-bold text-red-700 dark:text-red-300' : ''}`}
              >
                {formatCount(locale, count)}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}
