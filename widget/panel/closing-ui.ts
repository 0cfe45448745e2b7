/**
 * What the panel shows as the visitor leaves it, or around it: the offer to leave an email
 * when they close it while waiting for an answer (VisitorSession.leave), the inline email
 * offer (after the first reply, asked for a person, or by a server that starts no one without
 * an email: panel-app.tsx), and a reply's preview above the launcher while it is closed
 * (create-panel.tsx). One chunk, loaded the first time any is needed, so the chat's download
 * does not carry it (e2e/bench/bundle-sizes.ts counts it apart).
 */
export { awaitsAnswer } from './awaits-answer.ts';
export { EmailOffer } from './email-offer.tsx';
export { LeaveOffer } from './leave-offer.tsx';
export { ReplyPreview } from './reply-preview.tsx';
