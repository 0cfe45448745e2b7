import type { PanelStrings } from './i18n.ts';
import { OTHER_BUBBLE } from './message-row.tsx';
import { replyTimeOf } from './reply-time.ts';

interface Props {
  /** The agent's greeting; empty: none. */
  greeting: string;
  /** `expected_reply_minutes` of the profile; absent or null: nothing is said. */
  replyMinutes: number | null | undefined;
  strings: PanelStrings;
}

/**
 * The conversation's first message: the agent's greeting, whole, as the agent's bubble (the
 * dialog is named after the agent), and under it how soon a person usually replies, when the
 * owners said so.
 */
export function Greeting({ greeting, replyMinutes, strings }: Props) {
  const wait = replyTimeOf(replyMinutes);
  return (
    <>
      {greeting && (
        <div data-greeting="" className="flex flex-col">
          <div className={`${OTHER_BUBBLE} whitespace-pre-wrap wrap-break-word`}>{greeting}</div>
        </div>
      )}
      {wait && <p className="ml-1 text-xs text-ama-muted">{strings.repliesWithin(wait.count, wait.unit)}</p>}
    </>
  );
}
