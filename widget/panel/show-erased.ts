/**
 * The website erased the visitor while the panel ran their conversation (CONTRACT §14; the
 * session has already stopped it and forgotten the visitor here): the panel's end state says
 * so, and the page hears it as an `error` event with its code. In the privacy chunk
 * (privacy-ui.ts), so the chat's download does not carry it.
 */
import { ConversationGone } from './conversation-gone.tsx';
import type { VisitorSession } from './visitor-session.ts';

export function showErased(session: VisitorSession): void {
  session.set({ gone: 'erased', goneView: ConversationGone });
  session.report('conversation_erased', 'The website deleted this conversation and the visitor with it.');
}
