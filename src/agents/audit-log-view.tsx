import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { AuditEntry, AuditPage, PrivacyApi } from '../core/api/privacy-api.ts';
import type { InboxApi } from '../core/api/inbox-api.ts';
import type { InboundUser } from '../core/protocol/rest-schemas.ts';
import { errorText } from '../i18n/error-text.ts';
import { formatDateTime } from '../i18n/format.ts';
import { useStrings } from '../i18n/locale-store.ts';
import type { PrivacyStrings } from '../i18n/catalog-privacy-en.ts';
import { usePrivacyStrings } from '../i18n/privacy-strings.ts';
import { agentsQuery, usersQuery } from '../threads/thread-queries.ts';
import { TOUCH_TARGET } from '../ui/touch-target.ts';
import { agentSettingsHash } from './agent-route.ts';
import { ScreenFrame } from './screen-frame.tsx';
import { ERROR_TEXT, HINT, INPUT, SECONDARY_BUTTON, SECTION } from './settings-styles.ts';

interface Props {
  /** For the agent's name and the names of the users who acted. */
  api: Pick<InboxApi, 'listAgents' | 'listUsers'>;
  privacy: Pick<PrivacyApi, 'auditLog'>;
  slug: string;
  onClose(): void;
}

/** The actions an owner may filter by, in the order the filter lists them (CONTRACT §14). */
export const AUDIT_ACTIONS = [
  'agent.settings_changed',
  'agent.identity_secret_rotated',
  'agent.token_issued',
  'agent.token_revoked',
  'webhook.created',
  'webhook.deleted',
  'approval.decided',
  'thread.taken_over',
  'thread.assigned',
  'visitor.exported',
  'visitor.erased',
  'thread.erased',
] as const;

/** Who acted, in words: a user by name when the directory knows them, else by id. */
export function actorText(actor: string, users: readonly InboundUser[] | undefined, p: PrivacyStrings): string {
  if (actor === 'admin') return p.actorAdmin;
  if (actor === 'system') return p.actorSystem;
  const [kind, id = ''] = splitRef(actor);
  if (kind === 'user') return users?.find((user) => user.id === id)?.name ?? p.actorUser(id);
  if (kind === 'visitor') return p.actorVisitor(id);
  return actor;
}

/** What was acted on, in words; a kind the catalog does not know shows as the server wrote it. */
export function targetText(target: string, p: PrivacyStrings): string {
  const [kind, id = ''] = splitRef(target);
  const words = p.targets[kind];
  return words ? words(id) : target;
}

/** The entry's action in words, with why an erasure happened when the entry says. */
export function actionText(entry: Pick<AuditEntry, 'action' | 'details'>, p: PrivacyStrings): string {
  const action = p.auditActions[entry.action] ?? entry.action;
  const reason = (entry.details as { reason?: unknown } | null | undefined)?.reason;
  const why = typeof reason === 'string' ? p.erasureReasons[reason] : undefined;
  return why ? `${action} ${why}` : action;
}

/** `kind:id` as its two parts (an id may hold colons). */
function splitRef(ref: string): [string, string?] {
  const colon = ref.indexOf(':');
  return colon < 0 ? [ref] : [ref.slice(0, colon), ref.slice(colon + 1)];
}

/**
 * The agent's audit log for its owners (CONTRACT §14): newest first, filtered by one action,
 * paged with the server's cursor ("Load older entries"); who, what, on what and when in words.
 */
export function AuditLogView({ api, privacy, slug, onClose }: Props) {
  const p = usePrivacyStrings();
  const [action, setAction] = useState('');
  const filterId = useId();
  const agents = useQuery(agentsQuery(api));
  const users = useQuery(usersQuery(api)).data;
  const name = agents.data?.find((agent) => agent.slug === slug)?.name ?? slug;
  const nav = (
    <a href={agentSettingsHash(slug)} className={`text-indigo-700 hover:underline dark:text-indigo-300 ${TOUCH_TARGET}`}>
      {p.backToSettings}
    </a>
  );

  return (
    <ScreenFrame title={p.auditTitle(name)} subtitle={p.auditIntro} nav={nav} onClose={onClose}>
      <div className="mb-4 flex flex-col gap-1 sm:flex-row sm:items-center sm:gap-2">
        <label htmlFor={filterId} className="text-sm font-medium">
          {p.auditFilter}
        </label>
        <select id={filterId} value={action} onChange={(event) => setAction(event.target.value)} className={`${INPUT} min-h-11 sm:w-72`}>
          <option value="">{p.allActions}</option>
          {AUDIT_ACTIONS.map((value) => (
            <option key={value} value={value}>
              {p.auditActions[value]}
            </option>
          ))}
        </select>
      </div>
      <AuditEntries key={action} privacy={privacy} slug={slug} action={action} users={users} />
    </ScreenFrame>
  );
}

/**
 * The entries for one filter (keyed by it, so a new filter starts from the newest again): the
 * newest page as a query, older pages added one by one with the server's cursor. Not
 * `useInfiniteQuery`: it would move React Query's paging code out of the inbox's chunk into a
 * shared one, growing the inbox's initial JS by that chunk's name.
 */
function AuditEntries({
  privacy,
  slug,
  action,
  users,
}: {
  privacy: Pick<PrivacyApi, 'auditLog'>;
  slug: string;
  action: string;
  users: readonly InboundUser[] | undefined;
}) {
  const t = useStrings();
  const p = usePrivacyStrings();
  const newest = useQuery({
    queryKey: ['agents', 'audit', slug, action],
    queryFn: ({ signal }) => privacy.auditLog(slug, { action: action || null }, signal),
    staleTime: 0,
  });
  const [older, setOlder] = useState<AuditPage[]>([]);
  const loadOlder = useMutation({
    mutationFn: (cursor: string) => privacy.auditLog(slug, { cursor, action: action || null }),
    onSuccess: (page) => setOlder((pages) => [...pages, page]),
  });
  const pages = newest.data ? [newest.data, ...older] : [];
  const entries = pages.flatMap((page) => page.entries);
  const cursor = pages.at(-1)?.next_cursor ?? null;

  return newest.isPending ? (
    <div aria-busy="true" aria-label={p.loadingAudit} className="space-y-2">
      {[0, 1, 2].map((index) => (
        <div key={index} className="h-14 rounded-xl bg-slate-100 motion-safe:animate-pulse dark:bg-slate-800" />
      ))}
    </div>
  ) : newest.isError ? (
    <div role="alert" className={`rounded-xl border border-red-200 p-4 dark:border-red-900 ${ERROR_TEXT}`}>
      <p>{p.auditLoadFailed(errorText(newest.error, t))}</p>
      <button type="button" className={`mt-2 underline ${TOUCH_TARGET}`} onClick={() => void newest.refetch()}>
        {t.common.tryAgain}
      </button>
    </div>
  ) : entries.length === 0 ? (
    <p className={HINT} data-testid="audit-empty">
      {action ? p.auditEmptyFiltered : p.auditEmpty}
    </p>
  ) : (
    <>
      <ol aria-label={p.auditLink} className="space-y-2">
        {entries.map((entry) => (
          <li key={String(entry.id)} className={SECTION}>
            <div className="flex flex-wrap items-baseline justify-between gap-x-3">
              <span className="font-medium">{actionText(entry, p)}</span>
              <time dateTime={entry.at} className="text-sm text-slate-600 dark:text-slate-400">
                {formatDateTime(t.locale, entry.at)}
              </time>
            </div>
            <p className={HINT}>
              {p.auditBy(actorText(entry.actor, users, p))}
              {entry.target ? ` · ${p.auditOn(targetText(entry.target, p))}` : ''}
            </p>
          </li>
        ))}
      </ol>
      <div className="mt-3" aria-live="polite">
        {loadOlder.isError ? (
          <p role="alert" className={ERROR_TEXT}>
            {p.olderFailed(errorText(loadOlder.error, t))}
          </p>
        ) : null}
        {cursor ? (
          <button
            type="button"
            className={`${SECONDARY_BUTTON} min-h-11`}
            disabled={loadOlder.isPending}
            onClick={() => loadOlder.mutate(cursor)}
          >
            {loadOlder.isPending ? p.loadingOlder : p.loadOlder}
          </button>
        ) : (
          <p className={HINT}>{p.auditAllShown}</p>
        )}
      </div>
    </>
  );
}
