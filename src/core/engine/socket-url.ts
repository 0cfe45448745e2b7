/**
 * The WebSocket URL for an API path: from the server URL when one is configured, else from
 * the page's own origin (`''` means "this origin", as for REST).
 */
export function socketUrl(serverUrl: string, path: string): string {
  if (serverUrl) return `${serverUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}${path}`;
  if (typeof location === 'undefined') throw new Error('No server URL and no page origin to connect to.');
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}
