/**
 * Ids of the header's buttons that open "New conversation?", "Earlier conversations" and "Delete this conversation?": the
 * focus goes back to the one that opened them (the header stays while they show).
 */
export const RESTART_BUTTON_ID = 'ama-restart';
export const EARLIER_BUTTON_ID = 'ama-earlier';
/** "Delete this conversation" (its question is privacy-ui.ts's). */
export const DELETE_BUTTON_ID = 'ama-delete';
