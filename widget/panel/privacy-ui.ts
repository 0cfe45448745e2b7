/**
 * What "Delete this conversation" shows (its question, and the end state after it or after
 * the website erased the conversation): one chunk, loaded on the visitor's first tap on the
 * header button (panel-app.tsx) or when the website erased the conversation (visitor-session.ts), so the chat's
 * download does not carry it (e2e/bench/bundle-sizes.ts counts it apart).
 */
export { ConversationGone } from './conversation-gone.tsx';
export { DeleteConfirm } from './delete-confirm.tsx';
export { showErased } from './show-erased.ts';
