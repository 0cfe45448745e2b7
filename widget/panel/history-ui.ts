/**
 * What "New conversation?" and "Earlier conversations" show: one chunk, loaded on the
 * visitor's first tap on either (panel-app.tsx), so the chat's download does not carry it
 * (e2e/bench/bundle-sizes.ts counts it apart).
 */
export { EarlierList } from './earlier-list.tsx';
export { RestartConfirm } from './restart-confirm.tsx';
