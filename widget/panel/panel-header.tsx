import { DELETE_BUTTON_ID, EARLIER_BUTTON_ID, RESTART_BUTTON_ID } from './history-ids.ts';
import type { PanelStrings } from './i18n.ts';
import { initialsOf } from './initials.ts';
import { StrokeIcon } from './stroke-icon.tsx';

interface Props {
  titleId: string;
  name: string;
  strings: PanelStrings;
  /** Offer "new conversation" (only once there is one). */
  canRestart: boolean;
  onRestart(): void;
  /** "Talk to a person" (shown with "new conversation"). */
  onRequestPerson(): void;
  /** "Earlier conversations", offered when the visitor has some. */
  onEarlier?: (() => void) | undefined;
  /** "Delete this conversation" (shown with "new conversation", where the visitor has a token to prove it is theirs). */
  onDelete?: (() => void) | undefined;
  onClose(): void;
}

// 44 × 44 px: a finger's target on a phone (issue 23). The hover is white at 15 % as one hex
// colour: Tailwind's white with an opacity comes with display-p3 and lab copies of it.
const ICON_BUTTON =
  'grid size-11 shrink-0 place-items-center rounded-full hover:bg-[#ffffff26] focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-current';

/** The agent's name and initials in the accent colour (the greeting is the conversation's first message), with "talk to a person", "new conversation" and close. */
export function PanelHeader({ titleId, name, strings, canRestart, onRestart, onRequestPerson, onEarlier, onDelete, onClose }: Props) {
  return (
    <header className="ama-header flex items-center gap-3 bg-(--accent) px-3 py-3 text-(--accent-contrast)">
      {/* Inverted (accent text on the contrast colour), so the initials are as legible as the name for any accent. */}
      <span
        aria-hidden="true"
        className="grid size-10 shrink-0 place-items-center rounded-full bg-(--accent-contrast) text-sm font-semibold text-(--accent)"
      >
        {initialsOf(name)}
      </span>
      <div className="min-w-0 flex-1">
        <h2 id={titleId} className="truncate text-base leading-tight font-semibold">
          {name}
        </h2>
      </div>
      {canRestart && (
        <button
          type="button"
          aria-label={strings.talkToPerson}
          title={strings.talkToPerson}
          onClick={onRequestPerson}
          className={ICON_BUTTON}
        >
          <StrokeIcon path="M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm-7 8a7 7 0 0 1 14 0" />
        </button>
      )}
      {canRestart && onEarlier && (
        <button id={EARLIER_BUTTON_ID} type="button" aria-label={strings.earlierConversations} onClick={onEarlier} className={ICON_BUTTON}>
          <StrokeIcon path="M4 6h16M4 12h16M4 18h16" />
        </button>
      )}
      {canRestart && (
        <button
          id={RESTART_BUTTON_ID}
          type="button"
          aria-label={strings.newConversation}
          title={strings.newConversation}
          onClick={onRestart}
          className={ICON_BUTTON}
        >
          <StrokeIcon path="M12 20h9M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z" />
        </button>
      )}
      {canRestart && onDelete && (
        <button
          id={DELETE_BUTTON_ID}
          type="button"
          aria-label={strings.deleteConversation}
          title={strings.deleteConversation}
          onClick={onDelete}
          className={ICON_BUTTON}
        >
          <StrokeIcon path="M4 7h16M6 7l1 13h10l1-13M9 7V4h6v3" />
        </button>
      )}
      <button type="button" aria-label={strings.close} title={strings.close} onClick={onClose} className={ICON_BUTTON}>
        <StrokeIcon path="M6 6l12 12M18 6 6 18" />
      </button>
    </header>
  );
}
