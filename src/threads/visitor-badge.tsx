import type { InboundThreadVisitor } from '../core/protocol/rest-schemas.ts';
import type { InboxStrings } from '../i18n/catalog-en.ts';
import { useStrings } from '../i18n/locale-store.ts';

/** What the badge means, in words, for the tooltip and for screen readers. */
function visitorTrustMeaning(visitor: InboundThreadVisitor, t: InboxStrings): string {
  const label = visitorLabel(visitor);
  return visitor.verified ? t.visitor.verifiedMeaning(label) : t.visitor.unverifiedMeaning(label);
}

/** The email the visitor gave, else their name; null when they gave neither. */
export function visitorLabel(visitor: InboundThreadVisitor): string | null {
  return visitor.email || visitor.name || null;
}

interface Props {
  /** The thread's `visitor` [ext]; absent on private threads and on a seed-only server, which then shows nothing. */
  visitor: InboundThreadVisitor | undefined;
  /** Also show the visitor's email or name next to the badge (left out where the title says it already). */
  showLabel?: boolean;
}

/**
 * "Verified" or "Unverified email" for a visitor thread, with its meaning as a tooltip and for
 * screen readers; an unverified visitor's label says it was typed by them (only a verified
 * visitor's comes from the website's identity token).
 */
export function VisitorBadge({ visitor, showLabel = true }: Props) {
  const t = useStrings();
  if (!visitor) return null;
  const meaning = visitorTrustMeaning(visitor, t);
  const label = visitorLabel(visitor);
  return (
    <span className="inline-flex min-w-0 items-center gap-1 text-xs font-normal" data-testid="visitor-trust">
      <span
        title={meaning}
        className={`shrink-0 rounded px-1.5 font-medium ${
          visitor.verified
            ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100'
            : 'bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100'
        }`}
      >
        <span aria-hidden="true">{visitor.verified ? t.visitor.verified : t.visitor.unverified}</span>
        <span className="sr-only">{meaning}</span>
      </span>
      {showLabel && label && (
        <span className="truncate text-slate-600 dark:text-slate-400">{visitor.verified ? label : t.visitor.typedLabel(label)}</span>
      )}
    </span>
  );
}
