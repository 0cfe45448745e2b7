/**
 * Ids of the header's buttons that open "New conversation?" and "Earlier conversations": the
 * focus goes back to the one that opened them (the header stays while they show).
 */
export const RESTART_BUTTON_ID = 'ama-restart';
export const EARLIER_BUTTON_ID = 'ama-earlier';
