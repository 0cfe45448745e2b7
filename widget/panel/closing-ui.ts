/**
 * What the panel shows as the visitor leaves it: the offer to leave an email when they close
 * it while waiting for an answer (VisitorSession.leave), and a reply's preview above the
 * launcher while it is closed (create-panel.tsx). One chunk, loaded the first time either is
 * needed, so the chat's download does not carry it (e2e/bench/bundle-sizes.ts counts it apart).
 */
export { awaitsAnswer } from './awaits-answer.ts';
export { LeaveOffer } from './leave-offer.tsx';
export { ReplyPreview } from './reply-preview.tsx';
