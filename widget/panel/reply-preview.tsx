import { useRef, type KeyboardEvent } from 'react';
import { activeIn } from './focus-trap.ts';
import type { PanelStrings } from './i18n.ts';
import { StrokeIcon } from './stroke-icon.tsx';
import { useSession } from './use-session.ts';
import { participantNames, senderName } from './visitor-identity.ts';
import type { VisitorSession } from './visitor-session.ts';

/** A reply's first line of words, without markdown's marks at its start and its emphasis and code ticks. */
export const firstLine = (content: string): string =>
  content
    .split('\n')
    .map((line) => line.replace(/^\s*(?:[#>]+|[-*+]\s)|\*\*|`/g, '').trim())
    .find(Boolean) ?? '';

/** Two lines at most (with the class overflow-hidden): inline, as this chunk alone uses it (the panel's stylesheet goes to every visitor). */
const TWO_LINES = { display: '-webkit-box', WebkitBoxOrient: 'vertical', WebkitLineClamp: 2 } as const;

interface Props {
  session: VisitorSession;
  strings: PanelStrings;
  /** The preview was clicked: open the panel (it opens at the newest message, this one). */
  onOpen(): void;
}

/**
 * Above the launcher while the panel is closed: the newest reply that came since (who, and
 * its first line, two lines at most), to open the panel at, or to dismiss. Its container
 * (create-panel.tsx) is a polite live region that is always there, so a screen reader says
 * the reply when it appears, and focus stays where the visitor is. Dismissed (its button, or
 * Escape while in it), the focus that was on it goes to the launcher the reply now waits
 * behind. Loaded on demand (closing-ui.ts).
 */
export function ReplyPreview({ session, strings, onOpen }: Props) {
  const { preview, open, phase, profile } = useSession(session);
  const rootRef = useRef<HTMLDivElement>(null);
  if (!preview || open) return null;
  const onDismiss = () => {
    const root = rootRef.current!;
    const focused = root.contains(activeIn(root));
    session.dismissPreview();
    if (focused) (root.getRootNode() as ParentNode).querySelector<HTMLElement>('.launcher')?.focus();
  };
  const names = phase.kind === 'chat' ? participantNames(phase.engine.getThreadSnapshot(phase.threadId).items) : new Map<string, string>();
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') onDismiss();
  };
  return (
    <div ref={rootRef} onKeyDown={onKeyDown} className="flex" style={{ alignItems: 'flex-start' }}>
      <button type="button" onClick={onOpen} className="min-w-0 flex-1 rounded-2xl py-2 pl-3 text-left text-sm">
        <span className="sr-only">{strings.newReply}: </span>
        <strong className="text-xs" style={{ display: 'block' }}>
          {senderName(preview.senderId, names, profile.status === 'ready' ? profile.profile.name : null, strings)}
        </strong>
        <span className="overflow-hidden wrap-break-word" style={TWO_LINES}>
          {firstLine(preview.content)}
        </span>
      </button>
      <button
        type="button"
        aria-label={strings.dismissPreview}
        onClick={onDismiss}
        className="grid size-11 shrink-0 place-items-center rounded-2xl"
      >
        <StrokeIcon path="M6 6l12 12M18 6 6 18" />
      </button>
    </div>
  );
}
