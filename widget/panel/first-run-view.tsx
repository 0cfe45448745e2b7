import type { ReactNode } from 'react';
import { Composer } from './composer.tsx';
import type { PanelStrings } from './i18n.ts';
import { OWN_BUBBLE } from './message-row.tsx';

interface Props {
  strings: PanelStrings;
  /** The greeting (greeting.tsx). */
  lead: ReactNode;
  /** The visitor's first message while its conversation starts; null before they wrote. */
  pending: string | null;
  /** The names of the first message's files, shown with it while its conversation starts. */
  pendingFiles: readonly string[];
  /** The email offer, when the server wants an email before it starts anything. */
  offer: ReactNode;
  /** The agent's `attachments` settings (composer.tsx): a first message may carry files. */
  attach: unknown;
  lang: string;
  /** The text typed before (composer.tsx), kept for this composer. */
  draft: (text?: string) => string;
  onSend(text: string, files: File[]): void;
}

/**
 * Before there is a conversation (issue 23): the greeting as its first message and a composer
 * the visitor can write in at once. The first message starts the conversation.
 */
export function FirstRunView({ strings, lead, pending, pendingFiles, offer, attach, lang, draft, onSend }: Props) {
  return (
    <>
      <section aria-label={strings.conversation} className="min-h-0 flex-1 space-y-2 overflow-y-auto overscroll-contain px-3 py-3">
        {lead}
        {pending !== null && (
          <div className="flex flex-col">
            <p className="sr-only">{strings.you}</p>
            <div className={`${OWN_BUBBLE} opacity-80`}>
              {pending}
              {pendingFiles.map((name) => (
                <span key={name} className="block break-all">
                  📎 {name}
                </span>
              ))}
            </div>
          </div>
        )}
      </section>
      {offer}
      <Composer target={{ send: onSend }} strings={strings} disabled={pending !== null} attach={attach} lang={lang} draft={draft} />
    </>
  );
}
